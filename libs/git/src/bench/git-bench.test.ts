import { describe, expect, it } from 'vitest';
import { fastImportStream } from './generate.js';
import { report, runBench } from './git-bench.js';

describe('bench:git', () => {
  it('generates the requested files and commits', () => {
    const stream = fastImportStream({ files: 30, commits: 4, filesPerCommit: 2 });
    expect(stream.match(/^commit refs\/heads\/main$/gm)).toHaveLength(4);
    expect(stream.match(/^M 100644 inline /gm)).toHaveLength(30 + 3 * 2);
  });

  it('measures both sides on a small repository and ends with the headline', async () => {
    const figures = await runBench({ files: 40, commits: 3, newCommits: 2, runs: 1 }, () => undefined);
    for (const cost of Object.values(figures)) {
      expect(cost.wall).toBeGreaterThan(0);
      expect(cost.cpu).toBeGreaterThan(0);
    }
    const lines: string[] = [];
    report(figures, (line: string) => lines.push(line));
    expect(lines.at(-1)).toMatch(/^ratio ours\/git \(clone\): \d+\.\d\d$/);
  });
});
