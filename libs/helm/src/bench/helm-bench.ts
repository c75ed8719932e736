/**
 * `npm run bench:helm`: renders the ingress-nginx and opentelemetry-collector charts of the public
 * corpus (../shared/conformance/helm) 100 times each in one process, as `helm template` with a
 * corpus case's invocation, and prints ms per render and peak RSS. The last line is the headline.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadChart } from '../chart/loader.js';
import { invocationOptions, type Invocation } from '../conformance/vectors.js';
import { templateChart } from '../action/template.js';

const RENDERS = 100;
const CORPUS = resolve(import.meta.dirname, '../../../../../shared/conformance/helm');

/** Chart id and the corpus case whose invocation (values, flags) each render uses. */
const SUBJECTS: readonly [string, string][] = [
  ['ingress-nginx', 'cloud'],
  ['opentelemetry-collector', 'deployment-only'],
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}

async function benchChart(chartId: string, caseId: string): Promise<number[]> {
  const caseDir = join(CORPUS, 'charts', chartId, 'cases', caseId);
  const invocation = JSON.parse(readFileSync(join(caseDir, 'invocation.json'), 'utf8')) as Invocation;
  const loadStart = performance.now();
  const chart = await loadChart(join(CORPUS, 'charts', chartId, 'chart'));
  const loadMs = performance.now() - loadStart;
  const options = invocationOptions({ ...invocation, outputDir: false }, (p) =>
    readFileSync(join(caseDir, p)),
  );
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RENDERS; i++) {
    const start = performance.now();
    bytes = templateChart(chart, options).stdout.length;
    times.push(performance.now() - start);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  console.log(
    `${chartId} (${caseId}): load ${loadMs.toFixed(1)} ms; ${RENDERS} renders: ${mean.toFixed(2)} ms/render ` +
      `(first ${(times[0] as number).toFixed(1)} ms, p50 ${percentile(sorted, 0.5).toFixed(2)} ms, ` +
      `p95 ${percentile(sorted, 0.95).toFixed(2)} ms), ${bytes} bytes of output`,
  );
  return times;
}

async function main(): Promise<void> {
  if (!existsSync(CORPUS)) {
    console.error(`bench:helm: corpus not found at ${CORPUS}`);
    process.exit(1);
  }
  const all: number[] = [];
  for (const [chartId, caseId] of SUBJECTS) all.push(...(await benchChart(chartId, caseId)));
  const mean = all.reduce((a, b) => a + b, 0) / all.length;
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  console.log(
    `helm template: ${mean.toFixed(2)} ms/render over ${all.length} renders, peak RSS ${peakRssMiB.toFixed(0)} MiB`,
  );
}

await main();
