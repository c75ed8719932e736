#!/usr/bin/env node
// `npm run conformance:helm`: `flotilla conformance helm` over the public corpus in
// ../shared/conformance/helm (Go text/template, Sprig and Helm vectors, real charts with golden
// `helm template` output). Prints the runner's per-file summary and fails when a file's pass count
// drops below its floor, so regressions cannot land.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Passing vectors / cases when the floors were last raised; raise them as the engine improves.
const FLOORS = {
  'gotemplate.json': 343,
  'sprig.json': 300,
  'helm-engine.json': 62,
  charts: 42,
};

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = join(root, '..', 'shared', 'conformance', 'helm');
const bin = join(root, 'libs', 'cli', 'dist', 'bin.js');
if (!existsSync(corpus)) {
  console.error(`conformance:helm: corpus not found at ${corpus}`);
  process.exit(1);
}
if (!existsSync(bin)) {
  console.error(`conformance:helm: ${bin} is missing; run npm run build first`);
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'flotilla-helm-corpus-'));
const out = join(work, 'results.jsonl');
const run = spawnSync(
  process.execPath,
  [bin, 'conformance', 'helm', '--corpus', corpus, '--out', out, '--verbose'],
  {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  },
);
rmSync(work, { recursive: true, force: true });
process.stdout.write(run.stdout);
process.stderr.write(run.stderr);
if (run.status !== 0) {
  console.error(`conformance:helm: the corpus runner failed (exit ${run.status})`);
  process.exit(1);
}

let ok = true;
for (const [file, floor] of Object.entries(FLOORS)) {
  const match = new RegExp(`^${file.replace('.', '\\.')}: (\\d+)/(\\d+) passed`, 'm').exec(run.stdout);
  const passed = match ? Number(match[1]) : 0;
  if (passed < floor) {
    console.error(`conformance:helm: ${file} ${passed} passed, below the floor of ${floor}`);
    ok = false;
  }
}
console.log(`helm corpus: ${ok ? 'every file at or above its floor' : 'below a floor'}`);
process.exit(ok ? 0 : 1);
