import { describe, expect, it } from 'vitest';
import { decryptValue, encryptValue, formatFloat, isEncryptedValue, toBytes } from './cipher.js';
import { SopsDecryptionError } from './errors.js';
import { Comment } from './tree.js';

const KEY = Buffer.from('f'.repeat(32));

describe('AES-256-GCM values', () => {
  // Known answer from sops' own cipher tests: key "ffff…" (32 bytes), additional data "bar:".
  const vector =
    'ENC[AES256_GCM,data:oYyi,iv:MyIDYbT718JRr11QtBkcj3Dwm4k1aCGZBVeZf0EyV8o=,tag:t5z2Z023Up0kxwCgw1gNxg==,type:str]';

  it('decrypts the sops known-answer vector', () => {
    expect(decryptValue(vector, KEY, 'bar:')).toBe('foo');
  });

  it('rejects the vector under different additional data (the value was moved)', () => {
    expect(() => decryptValue(vector, KEY, '')).toThrow(SopsDecryptionError);
    expect(() => decryptValue(vector, KEY, 'baz:')).toThrow(/could not decrypt value at 'baz'/);
  });

  it('rejects a value whose ciphertext was changed', () => {
    const tampered = vector.replace('data:oYyi', 'data:oYyj');
    expect(() => decryptValue(tampered, KEY, 'bar:')).toThrow(/authenticate/);
  });

  it('round-trips every type with the type sops records', () => {
    const cases: [Parameters<typeof encryptValue>[0], string][] = [
      ['hello', 'str'],
      [42n, 'int'],
      [-7n, 'int'],
      [1.5, 'float'],
      [true, 'bool'],
      [false, 'bool'],
      [new Uint8Array([0, 255, 10]), 'bytes'],
      [new Comment(' a comment'), 'comment'],
    ];
    for (const [value, type] of cases) {
      const enc = encryptValue(value, KEY, 'a:b:');
      expect(enc).toMatch(new RegExp(`^ENC\\[AES256_GCM,data:[^,]+,iv:[^,]+,tag:[^,]+,type:${type}\\]$`));
      expect(isEncryptedValue(enc)).toBe(true);
      expect(Buffer.from(/iv:([^,]+)/.exec(enc)![1]!, 'base64')).toHaveLength(32);
      expect(Buffer.from(/tag:([^,]+)/.exec(enc)![1]!, 'base64')).toHaveLength(16);
      expect(decryptValue(enc, KEY, 'a:b:')).toEqual(value);
    }
  });

  it('encrypts booleans as Python-style True/False and parses both spellings back', () => {
    const enc = encryptValue(true, KEY, '');
    expect(decryptValue(enc.replace('type:bool', 'type:str'), KEY, '')).toBe('True');
  });

  it('leaves empty strings empty', () => {
    expect(encryptValue('', KEY, 'x:')).toBe('');
    expect(decryptValue('', KEY, 'x:')).toBe('');
  });

  it('rejects text that is not an ENC envelope and unknown types', () => {
    expect(() => decryptValue('plain', KEY, 'k:')).toThrow(/does not match sops' data format/);
    const enc = encryptValue('x', KEY, '').replace('type:str', 'type:nope');
    expect(() => decryptValue(enc, KEY, '')).toThrow(/unknown datatype nope/);
  });
});

describe('MAC bytes', () => {
  it('formats floats like strconv.FormatFloat(f, -1)', () => {
    expect(formatFloat(1)).toBe('1');
    expect(formatFloat(1.5)).toBe('1.5');
    expect(formatFloat(-0.25)).toBe('-0.25');
    expect(formatFloat(1e21)).toBe('1000000000000000000000');
    expect(formatFloat(1.5e-7)).toBe('0.00000015');
    expect(formatFloat(123456.789)).toBe('123456.789');
    expect(formatFloat(Infinity)).toBe('+Inf');
  });

  it('converts values as sops.ToBytes does', () => {
    const text = (v: Parameters<typeof toBytes>[0]) => Buffer.from(toBytes(v)).toString();
    expect(text(true)).toBe('True');
    expect(text(false)).toBe('False');
    expect(text(12n)).toBe('12');
    expect(text(2.5)).toBe('2.5');
    expect(text('é')).toBe('é');
  });
});
