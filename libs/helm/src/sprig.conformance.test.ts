/**
 * Runs the Sprig v3 test vectors (../shared/conformance/helm/sprig.json) with Helm's function map,
 * through the runner `flotilla conformance helm` uses. Only under vitest.conformance.config.ts;
 * the corpus is never copied into the project.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromJSON } from '@flotilla/gotemplate';
import { judgeFuncsVector, runFuncsVector, type FuncsVector } from './conformance/vectors.js';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const CORPUS = resolve(REPO_ROOT, '../shared/conformance/helm/sprig.json');
/** Measured pass count; raise it when more vectors pass so regressions fail. */
const PASS_FLOOR = 300;

describe('sprig.json conformance', () => {
  it('passes at least the recorded number of vectors', () => {
    // The corpus convention: integral JSON numbers are Go ints, others float64.
    const vectors = (fromJSON(readFileSync(CORPUS, 'utf8')) as unknown as { vectors: FuncsVector[] }).vectors;
    const failures = new Map<string, string[]>();
    let passed = 0;
    for (const v of vectors) {
      const problem = judgeFuncsVector(v, runFuncsVector(v));
      if (problem === null) passed++;
      else {
        const fn = v.functions?.[0] ?? '?';
        failures.set(fn, [...(failures.get(fn) ?? []), `${v.id}: ${problem}`]);
      }
    }
    console.log(`sprig.json: ${passed}/${vectors.length} passed`);
    for (const [fn, list] of [...failures].sort()) console.log(`${fn}:\n  ${list.join('\n  ')}`);
    expect(passed).toBeGreaterThanOrEqual(PASS_FLOOR);
  });
});
