/**
 * Sprig's random functions (goutils' crypto-random strings, randBytes, randInt, uuidv4, shuffle).
 * Their output is random by nature; only its shape is specified.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { FuncError, type FuncMap, type GoValue } from '@flotilla/gotemplate';
import { def } from './convert.js';

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
/** Longest random string or byte count built, so a hostile count fails instead of exhausting memory. */
const MAX_COUNT = 64 * 1024 * 1024;

function count(v: GoValue): number {
  const n = Number(v as bigint);
  if (n > MAX_COUNT) throw new FuncError(`count ${n} exceeds the limit of ${MAX_COUNT}`);
  return n;
}

/** goutils.CryptoRandom over an alphabet; a negative count is an error Sprig swallows into "". */
function randomString(n: number, alphabet: string): string {
  if (n <= 0) return '';
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

function shuffle(s: string): string {
  const runes = [...s];
  for (let i = runes.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [runes[i], runes[j]] = [runes[j] as string, runes[i] as string];
  }
  return runes.join('');
}

export function randomFunctions(): FuncMap {
  return {
    randAlphaNum: def('randAlphaNum', ['int'], (n) => randomString(count(n), LETTERS + DIGITS)),
    randAlpha: def('randAlpha', ['int'], (n) => randomString(count(n), LETTERS)),
    randNumeric: def('randNumeric', ['int'], (n) => randomString(count(n), DIGITS)),
    randAscii: def('randAscii', ['int'], (n) => randomString(count(n), ASCII)),
    randBytes: def('randBytes', ['int'], (n) => randomBytes(Math.max(count(n), 0)).toString('base64')),
    randInt: def('randInt', ['int', 'int'], (lo, hi) => {
      const [min, max] = [lo as bigint, hi as bigint];
      // Go's rand.Intn panics unless max-min > 0.
      if (max <= min) throw new FuncError('invalid argument to Intn');
      const span = max - min;
      const r =
        span <= BigInt(Number.MAX_SAFE_INTEGER)
          ? BigInt(randomInt(Number(span)))
          : BigInt.asUintN(63, randomBytes(8).readBigUInt64BE()) % span;
      return min + r;
    }),
    uuidv4: def('uuidv4', [], () => randomUUID()),
    shuffle: def('shuffle', ['string'], (s) => shuffle(s as string)),
  };
}
