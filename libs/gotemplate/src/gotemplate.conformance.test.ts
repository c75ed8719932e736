/**
 * Runs Go's own text/template test tables (../shared/conformance/helm/gotemplate.json) against this
 * package. Only under vitest.conformance.config.ts; the corpus is never copied into the project.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromJSON, isGoOnly, judgeTemplateVector, runTemplateVector, type TemplateVector } from './index.js';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const CORPUS = resolve(REPO_ROOT, '../shared/conformance/helm/gotemplate.json');
/** Measured pass count; raise it when more vectors pass so regressions fail. */
const PASS_FLOOR = 343;

describe('gotemplate.json conformance', () => {
  it(`passes at least ${PASS_FLOOR} vectors`, () => {
    const corpus = fromJSON(readFileSync(CORPUS, 'utf8')) as unknown as { vectors: TemplateVector[] };
    const vectors = corpus.vectors.filter((v) => !isGoOnly(v));
    const failures = new Map<string, string[]>();
    let passed = 0;
    for (const v of vectors) {
      const failure = judgeTemplateVector(v, runTemplateVector(v));
      if (failure === null) {
        passed++;
        continue;
      }
      const category = v.id.split('/')[0] as string;
      failures.set(category, [...(failures.get(category) ?? []), `${v.id}: ${failure}`]);
    }
    console.log(
      `gotemplate.json: ${passed}/${vectors.length} passed (${corpus.vectors.length - vectors.length} skipped as Go-only)`,
    );
    for (const [category, list] of failures)
      console.log(`  ${category}: ${list.length} failing\n    ${list.join('\n    ')}`);
    expect(passed).toBeGreaterThanOrEqual(PASS_FLOOR);
  });
});
