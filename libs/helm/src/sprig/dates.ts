/**
 * Sprig's date formatting (date, dateInZone, htmlDate, …) with Go's reference-time layouts.
 * Functions that take or return time.Time values (toDate, dateModify, unixEpoch, now) wait for a
 * time value type in @flotilla/gotemplate.
 */
import { type FuncMap, type GoValue } from '@flotilla/gotemplate';
import { def } from './convert.js';
import { timeMillis } from './time-value.js';

interface ZonedTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
  yearDay: number;
  nanos: number;
  offsetSeconds: number;
  zoneName: string;
}

export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
export const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Wall-clock fields of an instant in a zone (undefined zone = the process's local zone). */
export function zonedTime(epochMillis: number, zone: string | undefined): ZonedTime {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    timeZoneName: 'short',
  }).formatToParts(new Date(epochMillis));
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  const [year, month, day, hour, minute, second] = ['year', 'month', 'day', 'hour', 'minute', 'second'].map(
    (t) => Number(get(t)),
  ) as [number, number, number, number, number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const offsetSeconds = Math.round((wall - (epochMillis - (((epochMillis % 1000) + 1000) % 1000))) / 1000);
  const zoneName = zone === 'UTC' ? 'UTC' : get('timeZoneName');
  return {
    year,
    month,
    day,
    hour,
    minute,
    second,
    weekday: new Date(wall).getUTCDay(),
    yearDay: Math.floor((wall - Date.UTC(year, 0, 1)) / 86_400_000) + 1,
    nanos: (((epochMillis % 1000) + 1000) % 1000) * 1_000_000,
    offsetSeconds,
    zoneName,
  };
}

const pad = (n: number, width: number, fill = '0'): string => String(n).padStart(width, fill);

function formatOffset(t: ZonedTime, token: string): string {
  if (token.startsWith('Z') && t.offsetSeconds === 0) return 'Z';
  const abs = Math.abs(t.offsetSeconds);
  const sign = t.offsetSeconds < 0 ? '-' : '+';
  const [hh, mm, ss] = [pad(Math.floor(abs / 3600), 2), pad(Math.floor(abs / 60) % 60, 2), pad(abs % 60, 2)];
  const body = token.replace(/^[-Z]/, '');
  if (body === '07') return sign + hh;
  if (body === '0700') return sign + hh + mm;
  if (body === '07:00') return `${sign}${hh}:${mm}`;
  if (body === '070000') return sign + hh + mm + ss;
  return `${sign}${hh}:${mm}:${ss}`;
}

function formatFraction(t: ZonedTime, token: string): string {
  const digits = pad(t.nanos, 9).slice(0, token.length - 1);
  if (token[1] === '0') return token[0] + digits;
  const trimmed = digits.replace(/0+$/, '');
  return trimmed === '' ? '' : token[0] + trimmed;
}

function formatToken(t: ZonedTime, token: string): string {
  const hour12 = t.hour % 12 === 0 ? 12 : t.hour % 12;
  const fixed: Record<string, () => string> = {
    January: () => MONTHS[t.month - 1] as string,
    Jan: () => (MONTHS[t.month - 1] as string).slice(0, 3),
    Monday: () => DAYS[t.weekday] as string,
    Mon: () => (DAYS[t.weekday] as string).slice(0, 3),
    MST: () => t.zoneName,
    '2006': () => pad(t.year, 4),
    '06': () => pad(t.year % 100, 2),
    '01': () => pad(t.month, 2),
    '1': () => String(t.month),
    '02': () => pad(t.day, 2),
    '2': () => String(t.day),
    _2: () => pad(t.day, 2, ' '),
    '002': () => pad(t.yearDay, 3),
    __2: () => pad(t.yearDay, 3, ' '),
    '15': () => pad(t.hour, 2),
    '03': () => pad(hour12, 2),
    '3': () => String(hour12),
    '04': () => pad(t.minute, 2),
    '4': () => String(t.minute),
    '05': () => pad(t.second, 2),
    '5': () => String(t.second),
    PM: () => (t.hour >= 12 ? 'PM' : 'AM'),
    pm: () => (t.hour >= 12 ? 'pm' : 'am'),
  };
  const f = fixed[token];
  if (f) return f();
  if (/^[-Z]/.test(token)) return formatOffset(t, token);
  return formatFraction(t, token);
}

/** Go's layout elements, longest alternatives first as time.nextStdChunk prefers them. */
export const LAYOUT_TOKENS =
  /January|Jan|Monday|Mon|MST|2006|002|0[1-6]|15|__2|_2|[1-5]|PM|pm|[-Z]07:00:00|[-Z]070000|[-Z]07:00|[-Z]0700|[-Z]07|[.,](?:0+|9+)(?!\d)/g;

/** time.Time.Format with Go's reference-time layout. */
export function formatGoTime(t: ZonedTime, layout: string): string {
  return layout.replace(LAYOUT_TOKENS, (token) => formatToken(t, token));
}

/** Sprig's dateInZone: ints are Unix seconds; other values mean "now", as in Sprig. */
export function dateInZone(layout: string, date: GoValue, zone: string): string {
  const t = timeMillis(date);
  const millis = t !== undefined ? t : typeof date === 'bigint' ? Number(date) * 1000 : Date.now();
  return formatGoTime(zonedTime(millis, resolveZone(zone)), layout);
}

/** time.LoadLocation: "" and "UTC" are UTC, "Local" the process zone, unknown names fall back to UTC. */
export function resolveZone(zone: string): string | undefined {
  if (zone === '' || zone === 'UTC') return 'UTC';
  if (zone === 'Local') return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    return 'UTC';
  }
}

export function dateFunctions(): FuncMap {
  const str = (v: GoValue): string => v as string;
  return {
    date: def('date', ['string', 'any'], (f, d) => dateInZone(str(f), d, 'Local')),
    dateInZone: def('dateInZone', ['string', 'any', 'string'], (f, d, z) => dateInZone(str(f), d, str(z))),
    date_in_zone: def('date_in_zone', ['string', 'any', 'string'], (f, d, z) =>
      dateInZone(str(f), d, str(z)),
    ),
    htmlDate: def('htmlDate', ['any'], (d) => dateInZone('2006-01-02', d, 'Local')),
    htmlDateInZone: def('htmlDateInZone', ['any', 'string'], (d, z) => dateInZone('2006-01-02', d, str(z))),
  };
}
