import { describe, expect, it } from 'vitest';
import { BackoffConfigError, ExponentialBackoff, jitterInterval } from './backoff.js';

describe('ExponentialBackoff', () => {
  it('doubles from the minimum per failure of a key, up to the maximum', () => {
    const backoff = new ExponentialBackoff({ minDelayMs: 750, maxDelayMs: 10_000, jitter: 0 });
    const delays = Array.from({ length: 7 }, () => backoff.next('ns/a'));
    expect(delays).toEqual([750, 1500, 3000, 6000, 10_000, 10_000, 10_000]);
    expect(backoff.retries('ns/a')).toBe(7);
    expect(backoff.next('ns/b')).toBe(750);
    backoff.forget('ns/a');
    expect(backoff.retries('ns/a')).toBe(0);
    expect(backoff.next('ns/a')).toBe(750);
  });

  it('jitters each delay within ±jitter, clamped to [min, max]', () => {
    const high = new ExponentialBackoff({
      minDelayMs: 1000,
      maxDelayMs: 4000,
      jitter: 0.1,
      random: () => 0.999,
    });
    expect([high.next('k'), high.next('k'), high.next('k')]).toEqual([1100, 2200, 4000]);
    const low = new ExponentialBackoff({ minDelayMs: 1000, maxDelayMs: 4000, jitter: 0.1, random: () => 0 });
    expect([low.next('k'), low.next('k'), low.next('k')]).toEqual([1000, 1800, 3600]);
  });

  it('rejects impossible settings with a typed error', () => {
    expect(() => new ExponentialBackoff({ minDelayMs: 0, maxDelayMs: 1 })).toThrow(BackoffConfigError);
    expect(() => new ExponentialBackoff({ minDelayMs: 10, maxDelayMs: 5 })).toThrow(BackoffConfigError);
    expect(() => new ExponentialBackoff({ minDelayMs: 1, maxDelayMs: 5, jitter: 1 })).toThrow(
      BackoffConfigError,
    );
  });
});

describe('jitterInterval', () => {
  it('varies the interval uniformly by up to ±percentage', () => {
    expect(jitterInterval(600_000, 5, () => 0)).toBe(570_000);
    expect(jitterInterval(600_000, 5, () => 0.5)).toBe(600_000);
    expect(jitterInterval(600_000, 5, () => 0.75)).toBe(615_000);
    expect(jitterInterval(600_000, 0, () => 0)).toBe(600_000);
  });

  it('stays within the band for any random value', () => {
    for (let i = 0; i < 200; i++) {
      const value = jitterInterval(60_000, 10);
      expect(value).toBeGreaterThanOrEqual(54_000);
      expect(value).toBeLessThanOrEqual(66_000);
    }
  });

  it('rejects percentages outside [0, 100)', () => {
    expect(() => jitterInterval(1000, 100)).toThrow(BackoffConfigError);
    expect(() => jitterInterval(1000, -1)).toThrow(BackoffConfigError);
  });
});
