/**
 * Sprig's functions on time.Time values: toDate/mustToDate (time.ParseInLocation with Go layouts),
 * now, unixEpoch, dateModify/mustDateModify, ago; and the time.Time methods templates call
 * (Unix, Format, String, UTC, Year…).
 */
import { FuncError, GoFunc, type FuncMap, type GoStruct, type GoValue } from '@flotilla/gotemplate';
import { def } from './convert.js';
import { DAYS, LAYOUT_TOKENS, MONTHS, formatGoTime, zonedTime } from './dates.js';
import { formatDuration, parseDuration } from './durations.js';
import { makeTime, timeMillis, timeZoneOf } from './time-value.js';

/** Go's zero time, 0001-01-01 00:00:00 UTC. */
const ZERO_MILLIS = -62135596800000;
const GO_TIME_STRING = '2006-01-02 15:04:05.999999999 -0700 MST';

function method(
  name: string,
  params: GoFunc['signature']['params'],
  impl: (...a: GoValue[]) => GoValue,
): GoFunc {
  return new GoFunc(name, impl, { params });
}

/** A time.Time value at `millis` in `zone` (undefined: local). */
export function goTime(millis: number, zone: string | undefined): GoStruct {
  const wall = (): ReturnType<typeof zonedTime> => zonedTime(millis, zone);
  return makeTime(millis, zone, () => ({
    String: method('String', [], () => formatGoTime(wall(), GO_TIME_STRING)),
    Format: method('Format', ['string'], (layout) => formatGoTime(wall(), layout as string)),
    Unix: method('Unix', [], () => BigInt(Math.floor(millis / 1000))),
    UnixMilli: method('UnixMilli', [], () => BigInt(Math.floor(millis))),
    UnixNano: method('UnixNano', [], () => BigInt(Math.floor(millis)) * 1_000_000n),
    UTC: method('UTC', [], () => goTime(millis, 'UTC')),
    Local: method('Local', [], () => goTime(millis, undefined)),
    Year: method('Year', [], () => BigInt(wall().year)),
    YearDay: method('YearDay', [], () => BigInt(wall().yearDay)),
    Day: method('Day', [], () => BigInt(wall().day)),
    Hour: method('Hour', [], () => BigInt(wall().hour)),
    Minute: method('Minute', [], () => BigInt(wall().minute)),
    Second: method('Second', [], () => BigInt(wall().second)),
    IsZero: method('IsZero', [], () => millis === ZERO_MILLIS),
  }));
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millis: number;
  pm: boolean | null;
  offsetMinutes: number | null;
}

const NAMES = (list: string[], short: boolean): string =>
  `(${list.map((n) => (short ? n.slice(0, 3) : n)).join('|')})`;

/** Regex source for one layout element, and how its capture sets the fields. */
function element(token: string): [string, (f: Fields, s: string) => void] {
  const num = (key: keyof Fields) => (f: Fields, s: string) => {
    (f[key] as number) = Number(s.trim());
  };
  const table: Record<string, [string, (f: Fields, s: string) => void]> = {
    January: [NAMES(MONTHS, false), (f, s) => (f.month = MONTHS.indexOf(s) + 1)],
    Jan: [NAMES(MONTHS, true), (f, s) => (f.month = MONTHS.findIndex((m) => m.startsWith(s)) + 1)],
    Monday: [NAMES(DAYS, false), () => undefined],
    Mon: [NAMES(DAYS, true), () => undefined],
    MST: ['([A-Z]{3,5}|[+-]\\d{2,4})', () => undefined],
    '2006': ['(\\d{4})', num('year')],
    '06': ['(\\d{2})', (f, s) => (f.year = Number(s) + (Number(s) >= 69 ? 1900 : 2000))],
    '01': ['(\\d{2})', num('month')],
    '1': ['(\\d{1,2})', num('month')],
    '02': ['(\\d{2})', num('day')],
    '2': ['(\\d{1,2})', num('day')],
    _2: ['( ?\\d{1,2})', num('day')],
    '15': ['(\\d{1,2})', num('hour')],
    '03': ['(\\d{2})', num('hour')],
    '3': ['(\\d{1,2})', num('hour')],
    '04': ['(\\d{2})', num('minute')],
    '4': ['(\\d{1,2})', num('minute')],
    '05': ['(\\d{2})', num('second')],
    '5': ['(\\d{1,2})', num('second')],
    PM: ['(AM|PM)', (f, s) => (f.pm = s === 'PM')],
    pm: ['(am|pm)', (f, s) => (f.pm = s === 'pm')],
  };
  const known = table[token];
  if (known) return known;
  if (/^[-Z]07/.test(token)) {
    const z = token.startsWith('Z') ? 'Z|' : '';
    return [`(${z}[+-]\\d{2}(?::?\\d{2}){0,2})`, (f, s) => (f.offsetMinutes = parseOffset(s))];
  }
  if (/^[.,]/.test(token)) {
    const opt = token[1] === '9' ? '?' : '';
    return [`((?:[.,]\\d+)${opt})`, (f, s) => (f.millis = s ? Number(`0.${s.slice(1)}`) * 1000 : 0)];
  }
  throw new FuncError(`unsupported layout element ${token}`);
}

function parseOffset(s: string): number {
  if (s === 'Z') return 0;
  const digits = s.slice(1).replaceAll(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0');
  return s.startsWith('-') ? -minutes : minutes;
}

function escapeRe(s: string): string {
  return s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validate(f: Fields): boolean {
  if (f.month < 1 || f.month > 12 || f.day < 1 || f.day > (DAYS_IN_MONTH[f.month - 1] as number))
    return false;
  const leap = f.year % 4 === 0 && (f.year % 100 !== 0 || f.year % 400 === 0);
  if (f.month === 2 && f.day === 29 && !leap) return false;
  return f.hour < 24 && f.minute < 60 && f.second < 60;
}

function utcMillis(f: Fields): number {
  const d = new Date(0);
  d.setUTCFullYear(f.year, f.month - 1, f.day);
  d.setUTCHours(f.hour, f.minute, f.second, f.millis);
  return d.getTime();
}

/** time.ParseInLocation(layout, value, loc); `zone` undefined is time.Local. */
export function parseGoTime(layout: string, value: string, zone: string | undefined): number {
  const setters: ((f: Fields, s: string) => void)[] = [];
  let source = '';
  let last = 0;
  for (const m of layout.matchAll(LAYOUT_TOKENS)) {
    source += escapeRe(layout.slice(last, m.index));
    const [re, set] = element(m[0]);
    source += re;
    setters.push(set);
    last = m.index + m[0].length;
  }
  source += escapeRe(layout.slice(last));
  const match = new RegExp(`^${source}$`).exec(value);
  const bad = (): never => {
    throw new FuncError(`parsing time ${JSON.stringify(value)} as ${JSON.stringify(layout)}: cannot parse`);
  };
  if (!match) return bad();
  const f: Fields = {
    year: 0,
    month: 1,
    day: 1,
    hour: 0,
    minute: 0,
    second: 0,
    millis: 0,
    pm: null,
    offsetMinutes: null,
  };
  setters.forEach((set, i) => set(f, match[i + 1] ?? ''));
  if (f.pm !== null) f.hour = (f.hour % 12) + (f.pm ? 12 : 0);
  if (!validate(f)) return bad();
  const asUtc = utcMillis(f);
  if (f.offsetMinutes !== null) return asUtc - f.offsetMinutes * 60_000;
  // Wall clock in the zone: correct by the zone's offset at that instant (twice, across DST edges).
  let t = asUtc - zonedTime(asUtc, zone).offsetSeconds * 1000;
  t = asUtc - zonedTime(t, zone).offsetSeconds * 1000;
  return t;
}

function toDate(layout: string, value: string): GoStruct {
  return goTime(parseGoTime(layout, value, undefined), undefined);
}

function asTime(v: GoValue): GoStruct {
  if (timeMillis(v) === undefined) throw new FuncError(`wrong type for value; expected time.Time`);
  return v as GoStruct;
}

function dateModify(d: string, t: GoValue, must: boolean): GoValue {
  const time = asTime(t);
  const ns = parseDuration(d);
  if (ns === null) {
    if (must) throw new FuncError(`time: invalid duration ${JSON.stringify(d)}`);
    return time;
  }
  return goTime((timeMillis(time) as number) + Number(ns / 1_000_000n), timeZoneOf(time));
}

function ago(v: GoValue): string {
  const millis = timeMillis(v) ?? (typeof v === 'bigint' ? Number(v) * 1000 : Date.now());
  const seconds = Math.round((Date.now() - millis) / 1000);
  return formatDuration(BigInt(seconds) * 1_000_000_000n);
}

export function timeFunctions(): FuncMap {
  const str = (v: GoValue): string => v as string;
  return {
    toDate: def('toDate', ['string', 'string'], (l, v) => {
      try {
        return toDate(str(l), str(v));
      } catch (e) {
        if (e instanceof FuncError) return goTime(ZERO_MILLIS, 'UTC');
        throw e;
      }
    }),
    mustToDate: def('mustToDate', ['string', 'string'], (l, v) => toDate(str(l), str(v))),
    now: def('now', [], () => goTime(Date.now(), undefined)),
    unixEpoch: def('unixEpoch', ['value'], (t) =>
      String(Math.floor((timeMillis(asTime(t)) as number) / 1000)),
    ),
    dateModify: def('dateModify', ['string', 'value'], (d, t) => dateModify(str(d), t, false)),
    mustDateModify: def('mustDateModify', ['string', 'value'], (d, t) => dateModify(str(d), t, true)),
    ago: def('ago', ['any'], (v) => ago(v)),
  };
}
