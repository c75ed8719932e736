#!/usr/bin/env node
// `npm run conformance:kustomize`: our kustomize build against the public corpus in
// ../shared/conformance/kustomize (expected outputs from Go kustomize). Prints the corpus
// runner's per-feature report and fails when fewer cases pass than FLOOR, so a regression
// cannot land while the engine is still growing towards the 98%.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Cases passing when the floor was last raised; raise it as the engine improves.
const FLOOR = 236;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = join(root, '..', 'shared', 'conformance', 'kustomize');
const compareLink = join(corpus, 'compare.mjs');
const bin = join(root, 'libs', 'cli', 'dist', 'bin.js');
if (!existsSync(compareLink)) {
  console.error(`conformance:kustomize: corpus not found at ${corpus}`);
  process.exit(1);
}
if (!existsSync(bin)) {
  console.error(`conformance:kustomize: ${bin} is missing; run npm run build first`);
  process.exit(1);
}

// compare.mjs only runs when started by its real path (it compares argv[1] with its own URL).
const compare = realpathSync(compareLink);
const out = mkdtempSync(join(tmpdir(), 'flotilla-kustomize-corpus-'));
const reportFile = join(out, 'report.json');
const run = spawnSync(
  process.execPath,
  [
    compare,
    '--cmd',
    `${process.execPath} ${bin} kustomize build {dir}`,
    '--report',
    '--jobs',
    '2',
    '--json-out',
    reportFile,
  ],
  { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
);
// The runner's own closing "N passed, M failed" counts corpus cases, not tests: keep it out of
// the CI log's last line by printing everything but that line.
process.stdout.write(run.stdout.replace(/^\d+ passed, \d+ failed\s*$/m, ''));
process.stderr.write(run.stderr);
if (!existsSync(reportFile)) {
  console.error(`conformance:kustomize: the corpus runner wrote no report (exit ${run.status})`);
  process.exit(1);
}
const report = JSON.parse(readFileSync(reportFile, 'utf8'));
rmSync(out, { recursive: true, force: true });
const cases = report.cases ?? [];
const passed = cases.filter((c) => c.pass).length;
console.log(`kustomize corpus: ${passed}/${cases.length} cases equal to Go kustomize (floor ${FLOOR})`);
process.exit(passed >= FLOOR ? 0 : 1);
