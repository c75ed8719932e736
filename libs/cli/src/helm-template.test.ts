import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { helmCommand, parseTemplateArgs } from './helm-template.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function writeChart(tree: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-helm-cli-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const CHART = {
  'chart/Chart.yaml': 'apiVersion: v2\nname: demo\nversion: 0.1.0\n',
  'chart/values.yaml': 'greeting: hello\n',
  'chart/templates/cm.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n  namespace: {{ .Release.Namespace }}\ndata:\n  greeting: {{ .Values.greeting }}\n',
  'override.yaml': 'greeting: hi\n',
};

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await helmCommand(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('parseTemplateArgs', () => {
  it('reads positionals and every flag form', () => {
    const parsed = parseTemplateArgs([
      'rel',
      './chart',
      '-n',
      'ns',
      '--values=a.yaml',
      '-f',
      'b.yaml',
      '--set',
      'a=1',
      '--set-string',
      'b=2',
      '--set-file',
      'c=f',
      '--kube-version',
      '1.29',
      '-a',
      'x/v1',
      '--include-crds',
      '--no-hooks',
      '--skip-tests',
      '--show-only',
      'templates/a.yaml',
    ]);
    expect(parsed).toEqual({
      chart: './chart',
      options: {
        releaseName: 'rel',
        namespace: 'ns',
        valueFiles: ['a.yaml', 'b.yaml'],
        set: ['a=1'],
        setString: ['b=2'],
        setFile: ['c=f'],
        kubeVersion: '1.29',
        apiVersions: ['x/v1'],
        includeCrds: true,
        noHooks: true,
        skipTests: true,
        showOnly: ['templates/a.yaml'],
      },
    });
  });

  it('takes the chart alone', () => {
    expect(parseTemplateArgs(['./chart']).chart).toBe('./chart');
    expect(parseTemplateArgs(['./chart']).options.releaseName).toBeUndefined();
  });
});

describe('flotilla helm template', () => {
  it('prints the rendered chart', async () => {
    const dir = writeChart(CHART);
    const { code, stdout, stderr } = await run([
      'template',
      'web',
      join(dir, 'chart'),
      '-n',
      'prod',
      '-f',
      join(dir, 'override.yaml'),
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(
      '---\n# Source: demo/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: prod\ndata:\n  greeting: hi\n',
    );
  });

  it('prints its usage with --help and accepts --create-namespace as helm template does', async () => {
    const help = await run(['template', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: flotilla helm template [NAME] CHART [flags]');
    const dir = writeChart(CHART);
    const { code, stdout } = await run([
      'template',
      'web',
      join(dir, 'chart'),
      '--create-namespace',
      '-n',
      'x',
    ]);
    expect(code).toBe(0);
    expect(stdout).not.toContain('kind: Namespace');
  });

  it('writes files under --output-dir', async () => {
    const dir = writeChart(CHART);
    const out = join(dir, 'out');
    const { code, stdout } = await run(['template', join(dir, 'chart'), '--output-dir', out]);
    expect(code).toBe(0);
    expect(stdout).toBe(`wrote ${out}/demo/templates/cm.yaml\n\n`);
    expect(readFileSync(join(out, 'demo/templates/cm.yaml'), 'utf8')).toContain('name: release-name\n');
  });

  it.each([
    [['template'], '"helm template" requires at least 1 argument'],
    [['template', 'a', 'b', 'c'], 'expected at most two arguments, unexpected arguments: c'],
    [['template', '--bogus', 'x'], 'unknown flag: --bogus'],
    [['template', '/nonexistent/chart'], 'path "/nonexistent/chart" not found'],
    [['template', '--set'], 'flag needs an argument: --set'],
  ])('fails with Error: on stderr and exit 1 for %j', async (args, message) => {
    const { code, stdout, stderr } = await run(args);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^Error: /);
    expect(stderr).toContain(message);
  });

  it('reports rendering failures like Helm', async () => {
    const dir = writeChart({ ...CHART, 'chart/templates/bad.yaml': '{{ fail "boom" }}' });
    const { code, stderr } = await run(['template', join(dir, 'chart')]);
    expect(code).toBe(1);
    expect(stderr).toBe(
      'Error: execution error at (demo/templates/bad.yaml:1:3): boom\n\nUse --debug flag to render out invalid YAML\n',
    );
  });
});
