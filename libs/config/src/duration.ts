// Go durations, as Flux takes them in flags, spec fields and environment variables.

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};
const DURATION_PATTERN = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;
const DURATION_PART = /([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g;

/**
 * Parses a Go duration ('1m30s', '750ms', '1.5h', '0') into whole milliseconds; undefined when
 * malformed. Surrounding whitespace is ignored; signs are not accepted.
 */
export function tryParseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  // Go accepts a bare zero without a unit; any other bare number is ambiguous.
  if (trimmed === '0') return 0;
  if (!DURATION_PATTERN.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(DURATION_PART)) {
    total += Number(amount) * (UNIT_MS[unit ?? ''] ?? Number.NaN);
  }
  // Rounding removes float noise (1.1 * 1000 = 1100.0000000000002); sub-millisecond parts are dropped.
  return Number.isFinite(total) ? Math.round(total) : undefined;
}

/** As {@link tryParseDuration}, but throws an Error naming the expected form when malformed. */
export function parseDuration(text: string): number {
  const ms = tryParseDuration(text);
  if (ms === undefined) throw new Error(`not a duration: '${text}' (e.g. 30s, 1m30s, 750ms)`);
  return ms;
}

/** Formats milliseconds the way Go prints durations: 5m0s, 1h0m0s, 2.5s, 300ms. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1_000) return `${ms}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1_000;
  const secondsText = `${Number(seconds.toFixed(3))}s`;
  if (hours > 0) return `${hours}h${minutes}m${secondsText}`;
  if (minutes > 0) return `${minutes}m${secondsText}`;
  return secondsText;
}
