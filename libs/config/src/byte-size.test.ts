import { describe, expect, it } from 'vitest';
import { parseByteSize, tryParseByteSize } from './byte-size.js';

describe('parseByteSize and tryParseByteSize', () => {
  it.each([
    ['1048576', 1_048_576],
    ['512Mi', 512 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['1G', 1e9],
    ['10k', 10_000],
    ['2K', 2_000],
    ['1Ti', 2 ** 40],
    [' 5M ', 5e6],
  ])('parse the byte size %j', (text, bytes) => {
    expect(tryParseByteSize(text)).toBe(bytes);
    expect(parseByteSize(text)).toBe(bytes);
  });

  it.each(['', '1.5G', '1GB', '-1', 'lots', '99999999Ti'])('reject %j', (text) => {
    expect(tryParseByteSize(text)).toBeUndefined();
    expect(() => parseByteSize(text)).toThrow(/not a byte size/);
  });
});
