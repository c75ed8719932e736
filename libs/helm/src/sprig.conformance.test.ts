/**
 * Runs the Sprig v3 test vectors (../shared/conformance/helm/sprig.json) against sprigFunctions().
 * Only under vitest.conformance.config.ts; the corpus is never copied into the project.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Template, fromJSON } from '@flotilla/gotemplate';
import { sprigFunctions } from './index.js';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const CORPUS = resolve(REPO_ROOT, '../shared/conformance/helm/sprig.json');
/** Measured pass count; raise it when more vectors pass so regressions fail. */
const PASS_FLOOR = 296;

interface Vector {
  id: string;
  template: string;
  data: unknown;
  expected?: string;
  error?: boolean;
  functions: string[];
}

function run(v: Vector): string | null {
  try {
    const out = Template.parse('test', v.template, { funcs: sprigFunctions() }).execute(
      fromJSON(JSON.stringify(v.data)),
    );
    if (v.error) return `expected an error, got ${JSON.stringify(out)}`;
    return out === v.expected ? null : `got ${JSON.stringify(out)}, want ${JSON.stringify(v.expected)}`;
  } catch (e) {
    return v.error ? null : `error: ${(e as Error).message}`;
  }
}

describe('sprig.json conformance', () => {
  it('passes at least the recorded number of vectors', () => {
    const vectors = (JSON.parse(readFileSync(CORPUS, 'utf8')) as { vectors: Vector[] }).vectors;
    const failures = new Map<string, string[]>();
    let passed = 0;
    for (const v of vectors) {
      const problem = run(v);
      if (problem === null) passed++;
      else {
        const fn = v.functions[0] ?? '?';
        failures.set(fn, [...(failures.get(fn) ?? []), `${v.id}: ${problem}`]);
      }
    }
    console.log(`sprig.json: ${passed}/${vectors.length} passed`);
    for (const [fn, list] of [...failures].sort()) console.log(`${fn}:\n  ${list.join('\n  ')}`);
    expect(passed).toBeGreaterThanOrEqual(PASS_FLOOR);
  });
});
