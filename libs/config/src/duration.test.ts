import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, tryParseDuration } from './duration.js';

// Cases gathered from the parsers this one replaced (runtime, bus and artifacts), plus the units
// only the bus parser accepted.
const VALID: [string, number][] = [
  ['750ms', 750],
  ['250ms', 250],
  ['500ms', 500],
  ['30s', 30_000],
  ['90s', 90_000],
  ['2.5s', 2_500],
  ['1.5s', 1_500],
  ['1m', 60_000],
  ['1m30s', 90_000],
  ['1h', 3_600_000],
  ['1.5h', 5_400_000],
  ['1h30m', 5_400_000],
  ['1h0m0s', 3_600_000],
  ['24h', 86_400_000],
  ['0', 0],
  ['1500us', 2],
  ['2000µs', 2],
  ['3000000ns', 3],
  [' 30s\n', 30_000],
  ['1.1s', 1_100],
];

const MALFORMED = ['', '30', '60', 's', 'm', '1d', '-1s', '1 m', 'PT1M', '5 minutes', `${'9'.repeat(400)}h`];

describe('parseDuration and tryParseDuration', () => {
  it.each(VALID)('parse the Go duration %j', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(tryParseDuration(text)).toBe(ms);
  });

  it.each(MALFORMED)('reject %j', (text) => {
    expect(tryParseDuration(text)).toBeUndefined();
    expect(() => parseDuration(text)).toThrow(/not a duration/);
  });

  it('names the expected form when throwing', () => {
    expect(() => parseDuration('soon')).toThrow("not a duration: 'soon' (e.g. 30s, 1m30s, 750ms)");
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [300, '300ms'],
    [2_500, '2.5s'],
    [300_000, '5m0s'],
    [3_600_000, '1h0m0s'],
    [90_000, '1m30s'],
  ])('formats %d ms as Go does', (ms, text) => expect(formatDuration(ms)).toBe(text));

  it('formats durations that parse back to the same milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 365 * 86_400_000 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
  });
});
