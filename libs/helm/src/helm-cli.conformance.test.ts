/**
 * The `cli` level of ../shared/conformance/helm/helm-engine.json: full `helm template` runs over
 * Helm's own test charts. Only under vitest.conformance.config.ts; the corpus is never copied.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromJSON } from '@flotilla/gotemplate';
import { judgeCliVector, runCliVector, type CliChart, type CliVector } from './conformance/vectors.js';

const CORPUS = resolve(import.meta.dirname, '../../../../shared/conformance/helm/helm-engine.json');
/** Measured pass count; raise it when more vectors pass so regressions fail. */
const PASS_FLOOR = 14;

describe('helm-engine.json cli vectors', () => {
  it(`passes at least ${PASS_FLOOR} vectors`, async () => {
    const corpus = fromJSON(readFileSync(CORPUS, 'utf8')) as unknown as {
      charts: Record<string, CliChart>;
      vectors: { level: string }[];
    };
    const vectors = corpus.vectors.filter((v) => v.level === 'cli') as CliVector[];
    let passed = 0;
    for (const v of vectors) {
      const result = await runCliVector(v, corpus.charts);
      const failure = judgeCliVector(v, result);
      if (failure === null) passed++;
      else console.log(`${v.id}: ${failure}\n${result.error ?? result.output}`);
    }
    console.log(`helm-engine.json cli: ${passed}/${vectors.length} passed`);
    expect(passed).toBeGreaterThanOrEqual(PASS_FLOOR);
  });
});
