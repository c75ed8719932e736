// Parsing of the human units used in configuration: Go durations (as Flux uses everywhere) and
// Kubernetes-style byte quantities.

const DURATION_UNITS_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const DURATION_PATTERN = /^(\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;

/** Parses a Go duration (`90s`, `1m30s`, `1.5h`, `250ms`) into milliseconds; undefined if malformed. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  if (!DURATION_PATTERN.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(DURATION_PART)) {
    total += Number(amount) * (DURATION_UNITS_MS[unit as string] as number);
  }
  return total;
}

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};
const BYTES_PATTERN = /^(\d+)(k|K|M|G|T|Ki|Mi|Gi|Ti)?$/;

/** Parses `1048576`, `512Mi`, `1G` (Kubernetes quantity suffixes) into bytes; undefined if malformed. */
export function parseByteSize(text: string): number | undefined {
  const match = BYTES_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const bytes = Number(match[1]) * (BYTE_UNITS[match[2] ?? ''] as number);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}
