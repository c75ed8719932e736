import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { shamirCombine, shamirSplit } from './shamir.js';

describe('Shamir secret sharing', () => {
  it('recovers the secret from any threshold-sized subset of shares', () => {
    const secret = new Uint8Array(randomBytes(32));
    const shares = shamirSplit(secret, 5, 3);
    expect(shares).toHaveLength(5);
    expect(shares.every((s) => s.length === 33)).toBe(true);
    for (const subset of [
      [0, 1, 2],
      [2, 3, 4],
      [0, 2, 4],
      [0, 1, 2, 3, 4],
    ]) {
      expect(shamirCombine(subset.map((i) => shares[i]!))).toEqual(secret);
    }
    expect(shamirCombine([shares[0]!, shares[1]!])).not.toEqual(secret);
  });

  it('matches the field arithmetic by hand: f(x) = 7 + 3x shares at x=1,2 recover 7', () => {
    // In GF(2^8): f(1) = 7 ^ 3 = 4; f(2) = 7 ^ mult(3, 2) = 7 ^ 6 = 1.
    expect(shamirCombine([Uint8Array.of(4, 1), Uint8Array.of(1, 2)])).toEqual(Uint8Array.of(7));
  });

  it('rejects bad input', () => {
    expect(() => shamirSplit(Uint8Array.of(1), 2, 3)).toThrow(/less than threshold/);
    expect(() => shamirSplit(Uint8Array.of(1), 3, 1)).toThrow(/at least 2/);
    expect(() => shamirCombine([Uint8Array.of(1, 2)])).toThrow(/less than two parts/);
    expect(() => shamirCombine([Uint8Array.of(1, 2), Uint8Array.of(3, 2)])).toThrow(/duplicate/);
  });
});
