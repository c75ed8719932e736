import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { conformanceCommand } from './conformance-helm.js';
import { basicRegex } from './conformance-helm-charts.js';

// A miniature corpus in the layout of ../shared/conformance/helm, so the runner is tested without it.
const corpus = mkdtempSync(join(tmpdir(), 'flotilla-helm-corpus-'));
afterAll(() => rmSync(corpus, { recursive: true, force: true }));

function put(path: string, content: unknown): void {
  mkdirSync(dirname(join(corpus, path)), { recursive: true });
  writeFileSync(join(corpus, path), typeof content === 'string' ? content : JSON.stringify(content));
}

const CM =
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n  labels:\n    helm.sh/chart: x\n';

put('gotemplate.json', {
  vectors: [
    { id: 'exec/ok', template: '{{.X}}', data: { X: 1 }, expected: '1' },
    { id: 'exec/wrong', template: '{{.X}}', data: { X: 2 }, expected: '3' },
    { id: 'parse/tree', template: 'a{{.X}}', parseOnly: true, expected: '', parsed: '"a"{{.X}}' },
    { id: 'exec/complex', template: '{{1i}}', tags: ['complex'], expected: '(0+1i)' },
  ],
});
put('sprig.json', {
  vectors: [{ id: 'upper', template: '{{ upper "a" }}', expected: 'A', functions: ['upper'] }],
});
put('helm-engine.json', {
  charts: {
    c: { files: { 'Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n', 'templates/cm.yaml': CM } },
  },
  vectors: [
    { id: 'funcs/toYaml', level: 'funcs', template: '{{ toYaml . }}', data: { a: 'b' }, expected: 'a: b' },
    {
      id: 'engine/basic',
      level: 'engine',
      chart: { metadata: { name: 'm' }, templates: { 'templates/t': '{{ .Values.v }}' } },
      renderValues: { Values: { v: 'x' } },
      expected: { 'm/templates/t': 'x' },
    },
    { id: 'cli/basic', level: 'cli', chartRef: 'c', invocation: { releaseName: 'r' }, expected: 'not this' },
  ],
});
put('charts/c/chart/Chart.yaml', 'apiVersion: v2\nname: c\nversion: 0.1.0\n');
put('charts/c/chart/templates/cm.yaml', CM);
put('charts/c/cases/plain/invocation.json', {
  releaseName: 'rel',
  postProcess: {
    exactTextComparison: true,
    steps: [{ type: 'deleteLines', grepRegex: 'helm.sh\\|nothing' }],
  },
});
put(
  'charts/c/cases/plain/expected.yaml',
  '---\n# Source: c/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rel\n  labels:\n',
);
put('charts/c/cases/dir/invocation.json', {
  releaseName: 'rel',
  outputDir: true,
  postProcess: { ignoreLinesMatching: ['helm\\.sh/chart'] },
});
put(
  'charts/c/cases/dir/expected/cm.yaml',
  '---\n# Source: c/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rel\n  labels:\n    helm.sh/chart: stale\n',
);

describe('flotilla conformance helm', () => {
  it('writes one line per vector and case with actual results, and summarises per file', async () => {
    const out = join(corpus, 'out.jsonl');
    let stdout = '';
    const code = await conformanceCommand(['helm', '--corpus', corpus, '--out', out], {
      stdout: (t) => (stdout += t),
      stderr: () => undefined,
    });
    expect(code).toBe(0);
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const byId = new Map(lines.map((l) => [`${l['file']}#${l['id']}`, l]));
    expect(byId.get('gotemplate.json#exec/wrong')).toEqual({
      file: 'gotemplate.json',
      id: 'exec/wrong',
      output: '2',
    });
    expect(byId.get('gotemplate.json#parse/tree')).toEqual({
      file: 'gotemplate.json',
      id: 'parse/tree',
      output: '',
      parsed: '"a"{{.X}}',
    });
    expect(byId.get('helm-engine.json#engine/basic')?.['output']).toEqual({ 'm/templates/t': 'x' });
    expect(byId.get('helm-engine.json#cli/basic')?.['output']).toBe(
      '---\n# Source: c/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: r\n  labels:\n    helm.sh/chart: x\n',
    );
    expect(byId.get('charts/c/cases/dir#dir')?.['output']).toEqual({
      'c/templates/cm.yaml':
        '---\n# Source: c/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rel\n  labels:\n    helm.sh/chart: x\n',
    });
    expect(lines).toHaveLength(10);
    expect(stdout).toContain('gotemplate.json: 2/3 passed (66.7%) (1 Go-only not counted)\n');
    expect(stdout).toContain('sprig.json: 1/1 passed');
    expect(stdout).toContain('helm-engine.json: 2/3 passed');
    expect(stdout).toContain('charts: 2/2 passed');
  });

  it('explains its usage', async () => {
    let stderr = '';
    expect(
      await conformanceCommand(['helm'], { stdout: () => undefined, stderr: (t) => (stderr += t) }),
    ).toBe(2);
    expect(stderr).toContain('--corpus DIR --out FILE.jsonl');
  });
});

describe('basicRegex', () => {
  it('reads grep/sed basic regular expressions', () => {
    const re = basicRegex('helm.sh\\|app.kubernetes.io\\/managed-by: Helm');
    expect(re.test('  helm.sh/chart: x')).toBe(true);
    expect(re.test('  app.kubernetes.io/managed-by: Helm')).toBe(true);
    expect(re.test('  app: x (y)')).toBe(false);
    expect(basicRegex('a(b)').test('a(b)')).toBe(true);
  });
});
