/** Sprig's crypto.go functions that are deterministic: hashes, AES round trips, derivePassword. */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  scryptSync,
} from 'node:crypto';
import { FuncError, type FuncMap, type GoValue } from '@flotilla/gotemplate';
import { def } from './convert.js';

const hash = (algorithm: string) => (s: GoValue) =>
  createHash(algorithm)
    .update(s as string, 'utf8')
    .digest('hex');

/** hash/adler32 of the UTF-8 bytes. */
export function adler32(s: string): number {
  let a = 1;
  let b = 0;
  for (const byte of Buffer.from(s, 'utf8')) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** Sprig's AES key: the password's bytes zero-padded (or cut) to 32 bytes, i.e. AES-256. */
function aesKey(password: string): Buffer {
  const key = Buffer.alloc(32);
  Buffer.from(password, 'utf8').copy(key);
  return key;
}

/** encryptAES: AES-256-CBC, PKCS#7 padding, random IV prepended, base64. */
export function encryptAES(password: string, plaintext: string): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', aesKey(password), iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

export function decryptAES(password: string, crypt64: string): string {
  const data = Buffer.from(crypt64, 'base64');
  if (data.length < 16) throw new FuncError('ciphertext too short');
  if (data.length % 16 !== 0) throw new FuncError('ciphertext is not a multiple of the block size');
  const decipher = createDecipheriv('aes-256-cbc', aesKey(password), data.subarray(0, 16));
  decipher.setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]);
  const padding = plain[plain.length - 1] ?? 0;
  return plain.subarray(0, plain.length - padding).toString('utf8');
}

/** Master Password's templates and character classes, as Sprig embeds them. */
const PASSWORD_TEMPLATES: Record<string, string[]> = {
  maximum: ['anoxxxxxxxxxxxxxxxxx', 'axxxxxxxxxxxxxxxxxno'],
  long: [
    'CvcvnoCvcvCvcv',
    'CvcvCvcvnoCvcv',
    'CvcvCvcvCvcvno',
    'CvccnoCvcvCvcv',
    'CvccCvcvnoCvcv',
    'CvccCvcvCvcvno',
    'CvcvnoCvccCvcv',
    'CvcvCvccnoCvcv',
    'CvcvCvccCvcvno',
    'CvcvnoCvcvCvcc',
    'CvcvCvcvnoCvcc',
    'CvcvCvcvCvccno',
    'CvccnoCvccCvcv',
    'CvccCvccnoCvcv',
    'CvccCvccCvcvno',
    'CvcvnoCvccCvcc',
    'CvcvCvccnoCvcc',
    'CvcvCvccCvccno',
    'CvccnoCvcvCvcc',
    'CvccCvcvnoCvcc',
    'CvccCvcvCvccno',
  ],
  medium: ['CvcnoCvc', 'CvcCvcno'],
  short: ['Cvcn'],
  basic: ['aaanaaan', 'aannaaan', 'aaannaaa'],
  pin: ['nnnn'],
};

const TEMPLATE_CHARACTERS: Record<string, string> = {
  V: 'AEIOU',
  C: 'BCDFGHJKLMNPQRSTVWXYZ',
  v: 'aeiou',
  c: 'bcdfghjklmnpqrstvwxyz',
  A: 'AEIOUBCDFGHJKLMNPQRSTVWXYZ',
  a: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz',
  n: '0123456789',
  o: "@&%?,=[]_:-+*$#!'^~;()/.",
  x: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()',
};

const MASTER_PASSWORD_SEED = 'com.lyndir.masterpassword';

function seeded(text: string, counter?: number): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(Buffer.byteLength(text, 'utf8'));
  const parts = [Buffer.from(MASTER_PASSWORD_SEED), len, Buffer.from(text, 'utf8')];
  if (counter !== undefined) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    parts.push(c);
  }
  return Buffer.concat(parts);
}

/** The Master Password algorithm (scrypt N=32768 r=8 p=2, HMAC-SHA256 seed, template characters). */
export function derivePassword(
  counter: number,
  type: string,
  password: string,
  user: string,
  site: string,
): string {
  const templates = PASSWORD_TEMPLATES[type];
  if (!templates) return `cannot find password template ${type}`;
  const key = scryptSync(password, seeded(user), 64, { N: 32768, r: 8, p: 2, maxmem: 256 * 1024 * 1024 });
  const seed = createHmac('sha256', key).update(seeded(site, counter)).digest();
  const template = templates[(seed[0] as number) % templates.length] as string;
  return Array.from(template, (cls, i) => {
    const chars = TEMPLATE_CHARACTERS[cls] as string;
    return chars[(seed[i + 1] as number) % chars.length];
  }).join('');
}

export function cryptoFunctions(): FuncMap {
  const str = (v: GoValue): string => v as string;
  return {
    sha1sum: def('sha1sum', ['string'], hash('sha1')),
    sha256sum: def('sha256sum', ['string'], hash('sha256')),
    sha512sum: def('sha512sum', ['string'], hash('sha512')),
    adler32sum: def('adler32sum', ['string'], (s) => String(adler32(str(s)))),
    encryptAES: def('encryptAES', ['string', 'string'], (p, t) => encryptAES(str(p), str(t))),
    decryptAES: def('decryptAES', ['string', 'string'], (p, c) => decryptAES(str(p), str(c))),
    derivePassword: def('derivePassword', ['int', 'string', 'string', 'string', 'string'], (n, t, p, u, s) =>
      derivePassword(Number(BigInt.asUintN(32, n as bigint)), str(t), str(p), str(u), str(s)),
    ),
  };
}
