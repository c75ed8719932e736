// SOPS value encryption: AES-256-GCM with a 32-byte IV, the value's path as additional data, and
// the `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]` envelope (standard base64, 16-byte tag).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SopsDecryptionError, SopsEncryptionError } from './errors.js';
import { Comment, type Scalar } from './tree.js';

const NONCE_SIZE = 32;
const TAG_SIZE = 16;
const ENVELOPE = /^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]/;

export type Plaintext = Exclude<Scalar, null> | Comment;

/** Whether a value looks like an encrypted SOPS value. */
export function isEncryptedValue(value: string): boolean {
  return ENVELOPE.test(value);
}

/** Go's strconv.FormatFloat(v, 'f', -1, 64): shortest round-trip digits, never an exponent. */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const sign = v < 0 || Object.is(v, -0) ? '-' : '';
  const [mantissa, exp] = Math.abs(v).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const point = Number(exp) + 1; // position of the decimal point within digits
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** sops.ToBytes: the bytes a value contributes to the MAC. */
export function toBytes(value: Plaintext): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value instanceof Comment) return Buffer.from(value.value, 'utf8');
  if (typeof value === 'boolean') return Buffer.from(value ? 'True' : 'False');
  if (typeof value === 'bigint') return Buffer.from(value.toString());
  if (typeof value === 'number') return Buffer.from(formatFloat(value));
  return Buffer.from(value, 'utf8');
}

function typeOf(value: Plaintext): string {
  if (value instanceof Uint8Array) return 'bytes';
  if (value instanceof Comment) return 'comment';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'number') return 'float';
  return 'str';
}

function isEmpty(value: Plaintext): boolean {
  if (typeof value === 'string') return value === '';
  if (value instanceof Uint8Array) return value.length === 0;
  if (value instanceof Comment) return value.value === '';
  return false;
}

/** Encrypts one value; empty strings stay empty, as sops leaves them. */
export function encryptValue(value: Plaintext, key: Uint8Array, additionalData: string): string {
  if (isEmpty(value)) return '';
  if (key.length !== 32) throw new SopsEncryptionError(`data key must be 32 bytes, got ${key.length}`);
  const iv = randomBytes(NONCE_SIZE);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_SIZE });
  cipher.setAAD(Buffer.from(additionalData, 'utf8'));
  const data = Buffer.concat([cipher.update(toBytes(value)), cipher.final()]);
  const tag = cipher.getAuthTag();
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
  return `ENC[AES256_GCM,data:${b64(data)},iv:${b64(iv)},tag:${b64(tag)},type:${typeOf(value)}]`;
}

const BOOLS: Record<string, boolean> = {
  '1': true,
  t: true,
  T: true,
  TRUE: true,
  true: true,
  True: true,
  '0': false,
  f: false,
  F: false,
  FALSE: false,
  false: false,
  False: false,
};

function typed(bytes: Buffer, type: string): Plaintext {
  const text = bytes.toString('utf8');
  switch (type) {
    case 'str':
    case 'time':
      return text;
    case 'int':
    case 'int64':
      if (!/^[+-]?\d+$/.test(text)) throw new Error(`invalid int ${JSON.stringify(text)}`);
      return BigInt(text);
    case 'float': {
      const v = Number(text.replace(/^\+?Inf$/, 'Infinity').replace(/^-Inf$/, '-Infinity'));
      if (Number.isNaN(v) && text !== 'NaN') throw new Error(`invalid float ${JSON.stringify(text)}`);
      return v;
    }
    case 'bool':
      if (!(text in BOOLS)) throw new Error(`invalid bool ${JSON.stringify(text)}`);
      return BOOLS[text] as boolean;
    case 'bytes':
      return new Uint8Array(bytes);
    case 'comment':
      return new Comment(text);
    default:
      throw new Error(`unknown datatype ${type}`);
  }
}

/** Decrypts one value; the additional data must be the path it was encrypted at. */
export function decryptValue(ciphertext: string, key: Uint8Array, additionalData: string): Plaintext {
  if (ciphertext === '') return '';
  const match = ENVELOPE.exec(ciphertext);
  if (!match) {
    throw new SopsDecryptionError(
      'ValueDecryptionFailed',
      `value at ${pathLabel(additionalData)} does not match sops' data format`,
    );
  }
  const [, data, iv, tag, type] = match as unknown as [string, string, string, string, string];
  try {
    const ivBytes = Buffer.from(iv, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, ivBytes, { authTagLength: TAG_SIZE });
    decipher.setAAD(Buffer.from(additionalData, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]);
    return typed(plain, type);
  } catch (err) {
    throw new SopsDecryptionError(
      'ValueDecryptionFailed',
      `could not decrypt value at ${pathLabel(additionalData)} with AES-GCM: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

function pathLabel(additionalData: string): string {
  return additionalData === '' ? 'the document root' : `'${additionalData.replace(/:$/, '')}'`;
}
