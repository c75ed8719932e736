// Shamir's secret sharing over GF(2^8) (the AES field, x^8+x^4+x^3+x+1) as sops uses it for
// key groups: one random polynomial per secret byte, each share laid out as {y1..yN, x}.
import { randomBytes, randomInt } from 'node:crypto';

function mult(a: number, b: number): number {
  let r = 0;
  for (let i = 7; i >= 0; i--) {
    r = ((r << 1) ^ (r & 0x80 ? 0x1b : 0)) & 0xff;
    if ((b >> i) & 1) r ^= a;
  }
  return r;
}

function inverse(a: number): number {
  // a^254 = a^-1 in GF(2^8).
  let result = 1;
  let base = a;
  for (let e = 254; e > 0; e >>= 1) {
    if (e & 1) result = mult(result, base);
    base = mult(base, base);
  }
  return result;
}

function evaluate(coefficients: Uint8Array, x: number): number {
  let out = coefficients[coefficients.length - 1]!;
  for (let i = coefficients.length - 2; i >= 0; i--) out = mult(out, x) ^ coefficients[i]!;
  return out;
}

/** Lagrange interpolation at x = 0. */
function interpolateAtZero(xs: number[], ys: number[]): number {
  let result = 0;
  for (let i = 0; i < xs.length; i++) {
    let basis = 1;
    for (let j = 0; j < xs.length; j++) {
      if (i !== j) basis = mult(basis, mult(xs[j]!, inverse(xs[i]! ^ xs[j]!)));
    }
    result ^= mult(ys[i]!, basis);
  }
  return result;
}

/** Splits `secret` into `parts` shares, any `threshold` of which recover it. */
export function shamirSplit(secret: Uint8Array, parts: number, threshold: number): Uint8Array[] {
  if (parts < threshold) throw new Error('parts cannot be less than threshold');
  if (parts > 255 || threshold > 255) throw new Error('parts and threshold cannot exceed 255');
  if (threshold < 2) throw new Error('threshold must be at least 2');
  if (secret.length === 0) throw new Error('cannot split an empty secret');
  // Distinct non-zero x coordinates, in random order.
  const xs = Array.from({ length: 255 }, (_, i) => i + 1);
  for (let i = xs.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  const out = Array.from({ length: parts }, (_, p) => {
    const share = new Uint8Array(secret.length + 1);
    share[secret.length] = xs[p]!;
    return share;
  });
  secret.forEach((byte, idx) => {
    const coefficients = new Uint8Array(randomBytes(threshold));
    coefficients[0] = byte;
    out.forEach((share, p) => (share[idx] = evaluate(coefficients, xs[p]!)));
  });
  return out;
}

/** Recovers the secret from at least `threshold` shares made by shamirSplit (or sops). */
export function shamirCombine(parts: Uint8Array[]): Uint8Array {
  if (parts.length < 2) throw new Error('less than two parts cannot be used to reconstruct the secret');
  const length = parts[0]!.length;
  if (length < 2) throw new Error('parts must be at least two bytes');
  if (parts.some((p) => p.length !== length)) throw new Error('all parts must be the same length');
  const xs = parts.map((p) => p[length - 1]!);
  if (new Set(xs).size !== xs.length) throw new Error('duplicate part detected');
  const secret = new Uint8Array(length - 1);
  for (let idx = 0; idx < secret.length; idx++) {
    secret[idx] = interpolateAtZero(
      xs,
      parts.map((p) => p[idx]!),
    );
  }
  return secret;
}
