// Chart cases of the Helm conformance corpus (charts/<id>/cases/<case>): our raw `helm template`
// output for the case's invocation, and its comparison with the golden file after the upstream
// post-processing the case's invocation.json describes.
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  copyFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { build } from '@flotilla/kustomize';
import { invocationOptions, loadChart, templateChart, type Chart, type Invocation } from '@flotilla/helm';

export interface PostProcessStep {
  type: string;
  sedRegex?: string;
  grepRegex?: string;
  text?: string;
  kustomization?: string;
}

export interface CaseInvocation extends Invocation {
  postProcess?: { exactTextComparison?: boolean; steps?: PostProcessStep[]; ignoreLinesMatching?: string[] };
}

export interface ChartCase {
  /** `charts/<id>/cases/<case>`. */
  file: string;
  id: string;
  dir: string;
  chartDir: string;
  invocation: CaseInvocation;
}

/** Every case of every chart under the corpus, in name order. */
export function listChartCases(corpus: string): ChartCase[] {
  const chartsDir = join(corpus, 'charts');
  if (!existsSync(chartsDir)) return [];
  const cases: ChartCase[] = [];
  for (const chartId of readdirSync(chartsDir).sort()) {
    const casesDir = join(chartsDir, chartId, 'cases');
    if (!existsSync(casesDir)) continue;
    for (const caseId of readdirSync(casesDir).sort()) {
      const dir = join(casesDir, caseId);
      const invocationFile = join(dir, 'invocation.json');
      if (!existsSync(invocationFile)) continue;
      cases.push({
        file: `charts/${chartId}/cases/${caseId}`,
        id: caseId,
        dir,
        chartDir: join(chartsDir, chartId, 'chart'),
        invocation: JSON.parse(readFileSync(invocationFile, 'utf8')) as CaseInvocation,
      });
    }
  }
  return cases;
}

export interface CaseResult {
  output?: string | Record<string, string>;
  error?: string;
}

const chartCache = new Map<string, Promise<Chart>>();

/** Runs one case; `output` is raw stdout, or path → content for --output-dir cases. */
export async function runChartCase(c: ChartCase): Promise<CaseResult> {
  try {
    let loading = chartCache.get(c.chartDir);
    if (loading === undefined) {
      loading = loadChart(c.chartDir);
      chartCache.set(c.chartDir, loading);
    }
    const chart = await loading;
    const readFile = (path: string): Uint8Array => readFileSync(join(c.dir, path));
    const options = invocationOptions(c.invocation, readFile);
    if (c.invocation.outputDir) options.outputDir = 'out';
    const result = templateChart(chart, options);
    if (!c.invocation.outputDir) return { output: result.stdout };
    return { output: Object.fromEntries(result.files) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/** A POSIX basic regular expression (sed, grep) as a JavaScript one. */
export function basicRegex(bre: string): RegExp {
  let out = '';
  for (let i = 0; i < bre.length; i++) {
    const c = bre[i] as string;
    if (c === '\\' && i + 1 < bre.length) {
      const next = bre[++i] as string;
      if ('|(){}+?'.includes(next)) out += next;
      else out += `\\${next}`;
    } else if ('|(){}+?'.includes(c)) out += `\\${c}`;
    else out += c;
  }
  return new RegExp(out);
}

function deleteLines(text: string, re: RegExp): string {
  return text
    .split('\n')
    .filter((line, i, all) => (i === all.length - 1 && line === '') || !re.test(line))
    .join('\n');
}

function textSteps(text: string, steps: readonly PostProcessStep[]): string {
  let out = text;
  for (const step of steps) {
    if (step.type === 'deleteLines')
      out = deleteLines(out, basicRegex(step.sedRegex ?? step.grepRegex ?? ''));
    else if (step.type === 'prepend') out = (step.text ?? '') + out;
  }
  return out;
}

function documents(text: string): unknown[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as unknown)
    .filter((d) => d !== null && d !== undefined);
}

function objectKey(o: unknown): string {
  const obj = (o ?? {}) as {
    apiVersion?: string;
    kind?: string;
    metadata?: { name?: string; namespace?: string };
  };
  return `${obj.apiVersion ?? ''}/${obj.kind ?? ''}/${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

function compareObjectSets(got: unknown[], want: unknown[]): string | null {
  const wantMap = new Map(want.map((o) => [objectKey(o), o]));
  const gotMap = new Map(got.map((o) => [objectKey(o), o]));
  for (const [key, o] of wantMap) {
    if (!gotMap.has(key)) return `missing ${key}`;
    if (!isDeepStrictEqual(gotMap.get(key), o)) return `differs: ${key}`;
  }
  for (const key of gotMap.keys()) if (!wantMap.has(key)) return `unexpected ${key}`;
  return null;
}

/** kustomize build over our output plus the case's postprocess/ inputs, compared as object sets. */
function compareKustomized(c: ChartCase, text: string, step: PostProcessStep): string | null {
  const work = mkdtempSync(join(tmpdir(), 'flotilla-helm-case-'));
  try {
    const post = join(c.dir, 'postprocess');
    for (const name of readdirSync(post)) copyFileSync(join(post, name), join(work, name));
    const kustomization = step.kustomization?.replace(/^postprocess\//, '') ?? 'kustomization.yaml';
    if (kustomization !== 'kustomization.yaml')
      copyFileSync(join(post, kustomization), join(work, 'kustomization.yaml'));
    writeFileSync(join(work, 'manifest.yaml'), text);
    const built = build(work, { root: work }).yaml;
    return compareObjectSets(documents(built), documents(readFileSync(join(c.dir, 'expected.yaml'), 'utf8')));
  } catch (error) {
    return `kustomize: ${(error as Error).message}`;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The perl step of the outputDir cases. */
function normaliseWhitespace(text: string): string {
  return text.replace(/[ \t\n]+(?=\n---\n)/g, '').replace(/[ \t\n]+$/, '\n');
}

function withoutIgnored(text: string, ignore: readonly RegExp[]): string {
  return text
    .split('\n')
    .filter((line) => !ignore.some((re) => re.test(line)))
    .join('\n');
}

function readExpectedDir(dir: string, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory())
      for (const [k, v] of readExpectedDir(path, `${prefix}${name}/`)) out.set(k, v);
    else out.set(`${prefix}${name}`, readFileSync(path, 'utf8'));
  }
  return out;
}

/** `<chart>/templates/<f>` → `<f>`; `<chart>/charts/<sub>/templates/<f>` → `<sub>/<f>`. */
function flattenPath(path: string): string {
  const parts = path.split('/');
  if (parts[1] === 'templates') return parts.slice(2).join('/');
  if (parts[1] === 'charts' && parts[3] === 'templates') return [parts[2], ...parts.slice(4)].join('/');
  return path;
}

function compareOutputDir(c: ChartCase, files: Record<string, string>): string | null {
  const ignore = (c.invocation.postProcess?.ignoreLinesMatching ?? []).map((r) => new RegExp(r));
  const want = readExpectedDir(join(c.dir, 'expected'));
  const got = new Map<string, string>();
  for (const [path, content] of Object.entries(files))
    got.set(flattenPath(path), normaliseWhitespace(content));
  for (const [path, content] of want) {
    const mine = got.get(path);
    if (mine === undefined) return `missing file ${path}`;
    if (withoutIgnored(mine, ignore) !== withoutIgnored(normaliseWhitespace(content), ignore))
      return `differs: ${path}`;
  }
  for (const path of got.keys()) if (!want.has(path)) return `unexpected file ${path}`;
  return null;
}

/** Null when our result equals the golden after the case's post-processing. */
export function judgeChartCase(c: ChartCase, r: CaseResult): string | null {
  if (r.error !== undefined) return `error: ${r.error}`;
  const steps = c.invocation.postProcess?.steps ?? [];
  if (typeof r.output === 'object') return compareOutputDir(c, r.output);
  const text = textSteps(r.output ?? '', steps);
  const kustomize = steps.find((s) => s.type === 'kustomize');
  if (kustomize !== undefined) return compareKustomized(c, text, kustomize);
  const expected = readFileSync(join(c.dir, 'expected.yaml'), 'utf8');
  if (c.invocation.postProcess?.exactTextComparison === false)
    return compareObjectSets(documents(text), documents(expected));
  return text === expected ? null : 'output differs';
}
