/**
 * Runs the `funcs` and `engine` vectors of ../shared/conformance/helm/helm-engine.json against
 * helmFunctions() and the rendering engine. Only under vitest.conformance.config.ts; the corpus is
 * never copied into the project. (The `cli` level belongs to the `helm template` runner.)
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Template, fromJSON, type GoMap, type GoValue } from '@flotilla/gotemplate';
import type { Chart } from './chart/types.js';
import {
  chartMetadataValue,
  coalesceValues,
  helmFunctions,
  renderChart,
  renderTemplates,
  type Renderable,
  type RenderOptions,
} from './index.js';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');
const CORPUS = resolve(REPO_ROOT, '../shared/conformance/helm/helm-engine.json');
/** Measured pass counts; raise them when more vectors pass so regressions fail. */
const FUNCS_FLOOR = 15;
const ENGINE_FLOOR = 33;

interface InlineChart {
  metadata: { name: string; version?: string; type?: string };
  templates?: Record<string, string>;
  files?: Record<string, string>;
  values?: unknown;
  dependencies?: InlineChart[];
  renderables?: Record<string, { tpl: string; vals: unknown }>;
}

interface Vector {
  id: string;
  level: 'funcs' | 'engine' | 'cli';
  template?: string;
  data?: unknown;
  chart?: InlineChart;
  renderValues?: unknown;
  userValues?: unknown;
  engineOptions?: { strict?: boolean; lintMode?: boolean };
  expected?: string | Record<string, string>;
  error?: boolean;
  errorMessage?: string;
  errorContains?: string;
  errorSuffix?: string;
}

const utf8 = new TextEncoder();

function goValue(v: unknown): GoValue {
  return fromJSON(JSON.stringify(v ?? null));
}

function toChart(c: InlineChart, parent?: Chart): Chart {
  const chart: Chart = {
    metadata: { ...c.metadata },
    templates: Object.entries(c.templates ?? {}).map(([name, text]) => ({ name, data: utf8.encode(text) })),
    files: Object.entries(c.files ?? {}).map(([name, text]) => ({ name, data: utf8.encode(text) })),
    values: (goValue(c.values ?? {}) ?? {}) as GoMap,
    dependencies: [],
    ...(parent ? { parent } : {}),
  };
  chart.dependencies = (c.dependencies ?? []).map((d) => toChart(d, chart));
  return chart;
}

function renderVector(v: Vector): Record<string, string> {
  const chart = v.chart as InlineChart;
  const options: RenderOptions = v.engineOptions ?? {};
  if (chart.renderables) {
    const tpls = new Map<string, Renderable>();
    for (const [name, r] of Object.entries(chart.renderables))
      tpls.set(name, { tpl: r.tpl, vals: goValue(r.vals) as GoMap, basePath: '' });
    return renderTemplates(tpls, options);
  }
  const c = toChart(chart);
  const values = (goValue(v.renderValues ?? {}) ?? {}) as GoMap;
  values['Chart'] = chartMetadataValue(c.metadata);
  if (v.userValues !== undefined) values['Values'] = coalesceValues(c, goValue(v.userValues) as GoMap);
  return renderChart(c, values, options);
}

function checkError(v: Vector, message: string): string | null {
  if (!v.error) return `error: ${message}`;
  if (v.errorMessage !== undefined && message !== v.errorMessage)
    return `error ${JSON.stringify(message)}, want ${JSON.stringify(v.errorMessage)}`;
  if (v.errorContains !== undefined && !message.includes(v.errorContains))
    return `error ${JSON.stringify(message.slice(0, 300))} lacks ${JSON.stringify(v.errorContains)}`;
  if (v.errorSuffix !== undefined && !message.endsWith(v.errorSuffix))
    return `error ${JSON.stringify(message.slice(-300))} does not end with ${JSON.stringify(v.errorSuffix)}`;
  return null;
}

function run(v: Vector): string | null {
  try {
    if (v.level === 'funcs') {
      const out = Template.parse('test', v.template as string, { funcs: helmFunctions() }).execute(
        goValue(v.data),
      );
      if (v.error) return `expected an error, got ${JSON.stringify(out)}`;
      return out === v.expected ? null : `got ${JSON.stringify(out)}, want ${JSON.stringify(v.expected)}`;
    }
    const out = renderVector(v);
    if (v.error) return `expected an error, got ${JSON.stringify(out)}`;
    for (const [k, want] of Object.entries(v.expected as Record<string, string>)) {
      if (out[k] !== want) return `${k}: got ${JSON.stringify(out[k])}, want ${JSON.stringify(want)}`;
    }
    return null;
  } catch (e) {
    return checkError(v, (e as Error).message);
  }
}

describe('helm-engine.json conformance', () => {
  const vectors = (JSON.parse(readFileSync(CORPUS, 'utf8')) as { vectors: Vector[] }).vectors;
  for (const [level, floor] of [
    ['funcs', FUNCS_FLOOR],
    ['engine', ENGINE_FLOOR],
  ] as const) {
    it(`passes at least the recorded number of ${level} vectors`, () => {
      const selected = vectors.filter((v) => v.level === level);
      const failures: string[] = [];
      for (const v of selected) {
        const problem = run(v);
        if (problem !== null) failures.push(`${v.id}: ${problem}`);
      }
      const passed = selected.length - failures.length;
      console.log(`helm-engine.json ${level}: ${passed}/${selected.length} passed`);
      if (failures.length > 0) console.log(failures.join('\n'));
      expect(passed).toBeGreaterThanOrEqual(floor);
    });
  }
});
