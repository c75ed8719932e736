// `flotilla conformance helm --corpus DIR --out FILE.jsonl`: runs every vector of gotemplate.json,
// sprig.json and helm-engine.json and every chart case under DIR, writes one JSON line per vector
// or case with our actual result, and prints a pass/fail summary per file computed against the
// corpus's expectations.
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  fromJSON,
  isGoOnly,
  judgeTemplateVector,
  runTemplateVector,
  type TemplateVector,
  type VectorResult,
} from '@flotilla/gotemplate';
import {
  judgeCliVector,
  judgeEngineVector,
  judgeFuncsVector,
  runCliVector,
  runEngineVector,
  runFuncsVector,
  type CliChart,
  type CliVector,
  type EngineVector,
  type FuncsVector,
} from '@flotilla/helm';
import { judgeChartCase, listChartCases, runChartCase } from './conformance-helm-charts.js';
import type { CommandIO } from './helm-template.js';

export const CONFORMANCE_USAGE = 'Usage: flotilla conformance helm --corpus DIR --out FILE.jsonl';

interface Tally {
  passed: number;
  total: number;
  skipped: number;
  failures: string[];
}

type Line = { file: string; id: string } & ({ output: unknown } | { error: string }) &
  Record<string, unknown>;

class Recorder {
  readonly tallies = new Map<string, Tally>();
  /** Chart cases per chart (`charts/<id>`), for the breakdown under the `charts` line. */
  readonly perChart = new Map<string, { passed: number; total: number }>();
  private readonly fd: number;

  constructor(out: string) {
    this.fd = openSync(out, 'w');
  }

  /** Writes the result line and counts it (unless `counted` is false, e.g. Go-only vectors). */
  record(line: Line, failure: string | null, counted = true): void {
    writeSync(this.fd, `${JSON.stringify(line)}\n`);
    // Chart cases are summarised together; vectors per corpus file.
    const group = line.file.startsWith('charts/') ? 'charts' : line.file;
    const tally = this.tallies.get(group) ?? { passed: 0, total: 0, skipped: 0, failures: [] };
    this.tallies.set(group, tally);
    if (!counted) {
      tally.skipped++;
      return;
    }
    tally.total++;
    if (failure === null) tally.passed++;
    else tally.failures.push(`${group === 'charts' ? line.file : line.id}: ${failure.split('\n')[0]}`);
    if (group === 'charts') this.countChart(line.file, failure === null);
  }

  private countChart(file: string, passed: boolean): void {
    const chart = file.split('/').slice(0, 2).join('/');
    const perChart = this.perChart.get(chart) ?? { passed: 0, total: 0 };
    perChart.total++;
    if (passed) perChart.passed++;
    this.perChart.set(chart, perChart);
  }

  close(): void {
    closeSync(this.fd);
  }
}

function resultLine(file: string, id: string, r: VectorResult): Line {
  if (r.error !== undefined) return { file, id, error: r.error };
  const line: Line = { file, id, output: r.output ?? '' };
  if (r.parsed !== undefined) line['parsed'] = r.parsed;
  if (r.isEmpty !== undefined) line['isEmpty'] = r.isEmpty;
  if (r.definedTemplates !== undefined) line['definedTemplates'] = r.definedTemplates;
  return line;
}

function readCorpus<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  // The corpus convention: integral JSON numbers are Go ints, others float64.
  return fromJSON(readFileSync(path, 'utf8')) as unknown as T;
}

function runGotemplate(corpus: string, rec: Recorder): void {
  const file = 'gotemplate.json';
  const data = readCorpus<{ vectors: TemplateVector[] }>(join(corpus, file));
  for (const v of data?.vectors ?? []) {
    const r = runTemplateVector(v);
    rec.record(resultLine(file, v.id, r), judgeTemplateVector(v, r), !isGoOnly(v));
  }
}

function runSprig(corpus: string, rec: Recorder): void {
  const file = 'sprig.json';
  const data = readCorpus<{ vectors: FuncsVector[] }>(join(corpus, file));
  for (const v of data?.vectors ?? []) {
    const r = runFuncsVector(v);
    rec.record(resultLine(file, v.id, r), judgeFuncsVector(v, r));
  }
}

async function runHelmEngine(corpus: string, rec: Recorder): Promise<void> {
  const file = 'helm-engine.json';
  const data = readCorpus<{ charts?: Record<string, CliChart>; vectors: { id: string; level: string }[] }>(
    join(corpus, file),
  );
  for (const v of data?.vectors ?? []) {
    if (v.level === 'engine') {
      const r = runEngineVector(v as EngineVector);
      const line: Line =
        r.error !== undefined ? { file, id: v.id, error: r.error } : { file, id: v.id, output: r.output };
      rec.record(line, judgeEngineVector(v as EngineVector, r));
    } else if (v.level === 'cli') {
      const r = await runCliVector(v as CliVector, data?.charts ?? {});
      const line: Line =
        r.error !== undefined ? { file, id: v.id, error: r.error } : { file, id: v.id, output: r.output };
      rec.record(line, judgeCliVector(v as CliVector, r));
    } else {
      const r = runFuncsVector(v as FuncsVector);
      rec.record(resultLine(file, v.id, r), judgeFuncsVector(v as FuncsVector, r));
    }
  }
}

async function runCharts(corpus: string, rec: Recorder): Promise<void> {
  for (const c of listChartCases(corpus)) {
    const r = await runChartCase(c);
    const line: Line =
      r.error !== undefined
        ? { file: c.file, id: c.id, error: r.error }
        : { file: c.file, id: c.id, output: r.output };
    rec.record(line, judgeChartCase(c, r));
  }
}

function percent(t: Tally): string {
  return t.total === 0 ? '-' : `${((100 * t.passed) / t.total).toFixed(1)}%`;
}

function summary(rec: Recorder, verbose: boolean): string {
  const lines: string[] = [];
  for (const [file, t] of rec.tallies) {
    const skipped = t.skipped > 0 ? ` (${t.skipped} Go-only not counted)` : '';
    lines.push(`${file}: ${t.passed}/${t.total} passed (${percent(t)})${skipped}`);
    if (file === 'charts')
      for (const [chart, c] of rec.perChart) lines.push(`  ${chart}: ${c.passed}/${c.total}`);
    if (verbose) for (const f of t.failures) lines.push(`  FAIL ${f}`);
  }
  return `${lines.join('\n')}\n`;
}

interface ConformanceArgs {
  corpus: string;
  out: string;
  verbose: boolean;
}

function parseArgs(args: readonly string[]): ConformanceArgs | undefined {
  const [kind, ...rest] = args;
  if (kind !== 'helm') return undefined;
  let corpus: string | undefined;
  let out: string | undefined;
  let verbose = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--corpus') corpus = rest[++i];
    else if (arg === '--out') out = rest[++i];
    else if (arg === '--verbose' || arg === '-v') verbose = true;
    else return undefined;
  }
  return corpus !== undefined && out !== undefined ? { corpus, out, verbose } : undefined;
}

/** `flotilla conformance helm …`; exit 0 when the run completed (pass rates are the caller's to judge). */
export async function conformanceCommand(args: readonly string[], io: CommandIO): Promise<number> {
  const parsed = parseArgs(args);
  if (parsed === undefined) {
    io.stderr(`${CONFORMANCE_USAGE}\n`);
    return 2;
  }
  if (!existsSync(parsed.corpus)) {
    io.stderr(`Error: corpus not found: ${parsed.corpus}\n`);
    return 1;
  }
  const rec = new Recorder(parsed.out);
  try {
    runGotemplate(parsed.corpus, rec);
    runSprig(parsed.corpus, rec);
    await runHelmEngine(parsed.corpus, rec);
    await runCharts(parsed.corpus, rec);
  } finally {
    rec.close();
  }
  io.stdout(summary(rec, parsed.verbose));
  return 0;
}
