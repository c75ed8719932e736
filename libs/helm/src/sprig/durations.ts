/** Sprig's duration and durationRound, with Go's time.Duration text forms. */
import { type FuncMap, type GoValue } from '@flotilla/gotemplate';
import { def } from './convert.js';

const NS = { ns: 1n, us: 1_000n, µs: 1_000n, μs: 1_000n, ms: 1_000_000n, s: 1_000_000_000n } as const;
const SECOND = NS.s;
const MINUTE = 60n * SECOND;
const HOUR = 60n * MINUTE;
const UNITS: Record<string, bigint> = { ...NS, m: MINUTE, h: HOUR };

/** Fractional digits of `value / unit`, trailing zeros dropped (Go's fmtFrac). */
function fraction(value: bigint, unit: bigint): string {
  const digits = String(unit).length - 1;
  const frac = String(value % unit)
    .padStart(digits, '0')
    .replace(/0+$/, '');
  return frac === '' ? '' : `.${frac}`;
}

/** time.Duration.String(). */
export function formatDuration(d: bigint): string {
  if (d === 0n) return '0s';
  const sign = d < 0n ? '-' : '';
  const u = d < 0n ? -d : d;
  if (u < SECOND) {
    const [unit, name] = u < NS.us ? [1n, 'ns'] : u < NS.ms ? [NS.us, 'µs'] : [NS.ms, 'ms'];
    return `${sign}${u / unit}${fraction(u, unit)}${name}`;
  }
  const secs = `${(u % MINUTE) / SECOND}${fraction(u % SECOND, SECOND)}s`;
  if (u < MINUTE) return sign + secs;
  const mins = `${(u % HOUR) / MINUTE}m`;
  if (u < HOUR) return sign + mins + secs;
  return `${sign}${u / HOUR}h${mins}${secs}`;
}

/** time.ParseDuration; null when the text is not a duration. */
export function parseDuration(text: string): bigint | null {
  const m = /^([-+]?)(.*)$/.exec(text) as RegExpExecArray;
  const body = m[2] as string;
  if (body === '0') return 0n;
  if (body === '' || !/^(\d*\.?\d*[a-zµμ]+)+$/.test(body)) return null;
  let total = 0n;
  for (const [, whole = '', frac = '', unitName = ''] of body.matchAll(/(\d*)(?:\.(\d*))?([a-zµμ]+)/g)) {
    const unit = UNITS[unitName];
    if (unit === undefined || (whole === '' && frac === '')) return null;
    const scale = 10n ** BigInt(frac.length);
    total += BigInt(whole || '0') * unit + (BigInt(frac || '0') * unit) / scale;
  }
  return m[1] === '-' ? -total : total;
}

/** Sprig's duration: seconds from a decimal string or an int64; any other type counts as 0. */
function duration(sec: GoValue): string {
  // Template integer constants are Go `int`, which Sprig's type switch (string, int64) ignores.
  const n = typeof sec === 'string' && /^[-+]?\d+$/.test(sec) ? BigInt(sec) : 0n;
  return formatDuration(n * SECOND);
}

const ROUND_STEPS: [bigint, string][] = [
  [365n * 24n * HOUR, 'y'],
  [30n * 24n * HOUR, 'mo'],
  [24n * HOUR, 'd'],
  [HOUR, 'h'],
  [MINUTE, 'm'],
  [SECOND, 's'],
];

/** Sprig's durationRound: the largest unit the duration exceeds, truncated. */
export function durationRound(value: GoValue): string {
  const d = typeof value === 'string' ? (parseDuration(value) ?? 0n) : 0n;
  const u = d < 0n ? -d : d;
  for (const [size, name] of ROUND_STEPS) if (u > size) return `${u / size}${name}`;
  return '0s';
}

export function durationFunctions(): FuncMap {
  return {
    duration: def('duration', ['any'], duration),
    durationRound: def('durationRound', ['any'], durationRound),
  };
}
