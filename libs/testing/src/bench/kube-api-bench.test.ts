// The benchmark at a small scale: every event reaches every watcher, lists are complete, and the
// report ends with the headline line the root npm script prints last.
import { describe, expect, it } from 'vitest';
import { distribution, main } from './kube-api-bench.js';

describe('kube-api benchmark', () => {
  it('runs a small scenario end to end and ends with the headline', async () => {
    const lines: string[] = [];
    const code = await main(
      ['--objects', '200', '--writers', '4', '--watchers', '3', '--list-repeats', '1'],
      (l) => lines.push(l),
    );
    expect(code, lines.join('\n')).toBe(0);
    expect(lines.at(-1)).toMatch(/^writes\/s: \d+ \(fan-out p99 \d+ ms, 3 watchers\)$/);
    const row = lines.find((l) => /^\s+3 \|/.test(l));
    expect(row).toMatch(/^\s+3 \|\s+200\s.*\|\s+20\s/);
  });

  it('rejects bad arguments with exit code 2', async () => {
    const lines: string[] = [];
    expect(await main(['--objects', '0'], (l) => lines.push(l))).toBe(2);
    expect(lines.join('\n')).toContain('usage: kube-api-bench');
  });

  it('reports nearest-rank percentiles', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(distribution(samples)).toEqual({ p50: 50, p95: 95, p99: 99, max: 100 });
    expect(distribution([])).toEqual({ p50: 0, p95: 0, p99: 0, max: 0 });
  });
});
