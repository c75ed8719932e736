/** Sprig's base64/base32 functions; decode failures return the error text, as Sprig does. */
import { type FuncMap, type GoValue } from '@flotilla/gotemplate';
import { def } from './convert.js';

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** base32.StdEncoding.EncodeToString. */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return out.padEnd(Math.ceil(out.length / 8) * 8, '=');
}

/** base32.StdEncoding.DecodeString: padded input only, Go's error wording on bad input. */
export function base32Decode(text: string): Buffer {
  if (text.length % 8 !== 0)
    throw new Error(`illegal base32 data at input byte ${text.length - (text.length % 8)}`);
  const body = text.replace(/=+$/, '');
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const [i, c] of Array.from(body).entries()) {
    const digit = BASE32_ALPHABET.indexOf(c);
    if (digit < 0) throw new Error(`illegal base32 data at input byte ${i}`);
    value = ((value << 5) | digit) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

const BASE64_TEXT = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** base64.StdEncoding.DecodeString, strict about the alphabet and padding. */
export function base64Decode(text: string): Buffer {
  const clean = text.replace(/[\r\n]/g, '');
  if (!BASE64_TEXT.test(clean)) {
    const bad = Array.from(clean).findIndex((c) => !/[A-Za-z0-9+/=]/.test(c));
    throw new Error(`illegal base64 data at input byte ${bad < 0 ? clean.length - (clean.length % 4) : bad}`);
  }
  return Buffer.from(clean, 'base64');
}

function decodeOrMessage(decode: (s: string) => Buffer) {
  return (s: GoValue): string => {
    try {
      return decode(s as string).toString('utf8');
    } catch (e) {
      return (e as Error).message;
    }
  };
}

export function encodingFunctions(): FuncMap {
  return {
    b64enc: def('b64enc', ['string'], (s) => Buffer.from(s as string, 'utf8').toString('base64')),
    b64dec: def('b64dec', ['string'], decodeOrMessage(base64Decode)),
    b32enc: def('b32enc', ['string'], (s) => base32Encode(Buffer.from(s as string, 'utf8'))),
    b32dec: def('b32dec', ['string'], decodeOrMessage(base32Decode)),
  };
}
