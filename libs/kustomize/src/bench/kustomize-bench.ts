// `npm run bench:kustomize`: our kustomize engine against `kubectl kustomize` in the same run.
//   (a) the public corpus (../shared/conformance/kustomize): every case built by our engine in
//       this one process, and by `kubectl kustomize` once per case;
//   (b) a generated overlay of 4,000 resources (patches, generators, name references): ours
//       in-process, ours via `flotilla kustomize build`, and kubectl.
// Each output is checked to be the same documents as kubectl's. Prints times and ratios; the last
// line is the headline, the worst of the ratios. Flags: --apps N (overlay size, N×4+1 resources,
// default 1000), --repeats N, --only corpus|overlay, --corpus DIR. Go kustomize slows down
// sharply with size: at 4,000 resources kubectl needs minutes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { build } from '../build.js';
import { RESOURCES_PER_APP, writeBenchOverlay } from './overlay.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..', '..', '..');

interface CorpusCase {
  readonly id: string;
  readonly root: string;
}

function documentsOf(text: string): unknown[] {
  return parseAllDocuments(text)
    .map((document) => document.toJS({ maxAliasCount: -1 }) as unknown)
    .filter((value) => value !== null && value !== undefined);
}

function sameDocuments(a: string, b: string): boolean {
  try {
    return isDeepStrictEqual(documentsOf(a), documentsOf(b));
  } catch {
    return false;
  }
}

function kubectl(dir: string): { ok: boolean; stdout: string } {
  const run = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return { ok: run.status === 0, stdout: run.stdout };
}

function time<T>(run: () => T): { value: T; ms: number } {
  const start = process.hrtime.bigint();
  const value = run();
  return { value, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

function ours(dir: string, root: string): { ok: boolean; stdout: string } {
  try {
    return { ok: true, stdout: build(dir, { root }).yaml };
  } catch {
    return { ok: false, stdout: '' };
  }
}

function format(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

function benchCorpus(corpus: string): number {
  const cases = JSON.parse(readFileSync(path.join(corpus, 'cases.json'), 'utf8')) as CorpusCase[];
  const dirs = cases.map((entry) => ({
    id: entry.id,
    caseDir: path.join(corpus, 'cases', entry.id),
    dir: path.join(corpus, 'cases', entry.id, entry.root),
  }));
  const cold = time(() => dirs.map(({ dir, caseDir }) => ours(dir, caseDir)));
  const warm = time(() => dirs.map(({ dir, caseDir }) => ours(dir, caseDir)));
  const reference = time(() => dirs.map(({ dir }) => kubectl(dir)));
  let equal = 0;
  let bytes = 0;
  dirs.forEach((entry, index) => {
    const mine = cold.value[index];
    const theirs = reference.value[index];
    if (mine?.ok === true && theirs?.ok === true && sameDocuments(mine.stdout, theirs.stdout)) equal += 1;
    if (mine?.ok === true && mine.stdout === readFileSync(path.join(entry.caseDir, 'expected.yaml'), 'utf8'))
      bytes += 1;
  });
  const ratio = cold.ms / reference.ms;
  console.log(
    `(a) corpus: ${dirs.length} cases, ${equal} equal to kubectl, ${bytes} byte-identical to expected.yaml`,
  );
  console.log(`    ours, one process, first pass   ${format(cold.ms)}`);
  console.log(`    ours, one process, second pass  ${format(warm.ms)}`);
  console.log(`    kubectl kustomize, per case     ${format(reference.ms)}`);
  console.log(`    ratio ours/kubectl (first pass) ${ratio.toFixed(2)}`);
  return ratio;
}

function cliBuild(dir: string): { ok: boolean; stdout: string } {
  const bin = path.join(repoRoot, 'libs', 'cli', 'dist', 'bin.js');
  const run = spawnSync(process.execPath, [bin, 'kustomize', 'build', dir], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  return { ok: run.status === 0, stdout: run.stdout };
}

function benchOverlay(apps: number, repeats: number): number[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'kustomize-bench-'));
  try {
    const overlay = writeBenchOverlay(dir, apps);
    const runs = Array.from({ length: repeats }, () => ({
      ours: time(() => ours(overlay, dir)),
      cli: time(() => cliBuild(overlay)),
      kubectl: time(() => kubectl(overlay)),
    }));
    const best = (pick: (run: (typeof runs)[number]) => number): number => Math.min(...runs.map(pick));
    const [first] = runs;
    if (first === undefined) return [];
    const resources = documentsOf(first.kubectl.value.stdout).length;
    const equal = sameDocuments(first.ours.value.stdout, first.kubectl.value.stdout);
    const cliEqual = first.cli.value.stdout === first.ours.value.stdout;
    const [inProcess, cli, reference] = [
      best((r) => r.ours.ms),
      best((r) => r.cli.ms),
      best((r) => r.kubectl.ms),
    ];
    console.log(
      `(b) overlay: ${apps} apps × ${RESOURCES_PER_APP} + 1 → ${resources} resources; ours equal to kubectl: ${equal}, CLI same as in-process: ${cliEqual}; best of ${repeats}`,
    );
    console.log(
      `    ours, in-process                ${format(inProcess)}   ratio ${(inProcess / reference).toFixed(2)}`,
    );
    console.log(`    ours, flotilla kustomize build  ${format(cli)}   ratio ${(cli / reference).toFixed(2)}`);
    console.log(`    kubectl kustomize               ${format(reference)}`);
    return [inProcess / reference, cli / reference];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(): void {
  const { values } = parseArgs({
    options: {
      corpus: { type: 'string', default: path.join(repoRoot, '..', 'shared', 'conformance', 'kustomize') },
      apps: { type: 'string', default: '1000' },
      repeats: { type: 'string', default: '1' },
      /** `corpus` or `overlay`: run only that part. */
      only: { type: 'string', default: '' },
    },
  });
  if (spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status !== 0) {
    console.error('bench:kustomize: kubectl is not installed; it is the reference');
    process.exit(1);
  }
  const ratios: number[] = [];
  if (values.only !== 'overlay') {
    if (existsSync(path.join(values.corpus, 'cases.json'))) ratios.push(benchCorpus(values.corpus));
    else console.log(`(a) corpus: not found at ${values.corpus}; skipped`);
  }
  if (values.only !== 'corpus') ratios.push(...benchOverlay(Number(values.apps), Number(values.repeats)));
  console.log(`ratio ours/kubectl: ${Math.max(...ratios).toFixed(2)}`);
}

main();
