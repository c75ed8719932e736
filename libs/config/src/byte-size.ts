// Byte quantities as Kubernetes writes them: plain bytes, or decimal (k, M, G, T) and binary
// (Ki, Mi, Gi, Ti) suffixes.

const UNIT_BYTES: Record<string, number> = {
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
const BYTE_SIZE_PATTERN = /^([0-9]+)(k|K|M|G|T|Ki|Mi|Gi|Ti)?$/;

/** Parses '1048576', '512Mi', '1G' into bytes; undefined when malformed or beyond a safe integer. */
export function tryParseByteSize(text: string): number | undefined {
  const match = BYTE_SIZE_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const bytes = Number(match[1]) * (UNIT_BYTES[match[2] ?? ''] ?? Number.NaN);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** As {@link tryParseByteSize}, but throws an Error naming the expected form when malformed. */
export function parseByteSize(text: string): number {
  const bytes = tryParseByteSize(text);
  if (bytes === undefined) throw new Error(`not a byte size: '${text}' (e.g. 1048576, 512Mi, 1G)`);
  return bytes;
}
