import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { kustomizeBuildCommand } from '@flotilla/kustomize';
import { renderHelmChart } from './kustomize-helm.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function writeTree(tree: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-kustomize-helm-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const TREE = {
  'kustomization.yaml': [
    'namespace: apps',
    'commonLabels: {team: blue}',
    'helmCharts:',
    '- name: demo',
    '  releaseName: web',
    '  valuesInline: {replicas: 3, greeting: hi}',
    '',
  ].join('\n'),
  'charts/demo/Chart.yaml': 'apiVersion: v2\nname: demo\nversion: 0.1.0\n',
  'charts/demo/values.yaml': 'replicas: 1\ngreeting: hello\n',
  'charts/demo/templates/cm.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n  greeting: {{ .Values.greeting }}\n  replicas: "{{ .Values.replicas }}"\n',
};

async function build(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await kustomizeBuildCommand(
    args,
    { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) },
    { helmRenderer: renderHelmChart },
  );
  return { code, stdout, stderr };
}

describe('flotilla kustomize build --enable-helm', () => {
  it('renders helmCharts with our Helm engine, then applies the kustomization to them', async () => {
    const root = writeTree(TREE);
    const result = await build(['build', root, '--enable-helm']);
    expect(result.stderr).toBe('');
    const [cm] = parseAllDocuments(result.stdout).map((d) => d.toJS() as unknown);
    expect(cm).toMatchObject({
      kind: 'ConfigMap',
      metadata: { name: 'web-cm', namespace: 'apps', labels: { team: 'blue' } },
      data: { greeting: 'hi', replicas: '3' },
    });
  });

  it('refuses helmCharts without the flag and names a chart that is not vendored', async () => {
    const root = writeTree(TREE);
    expect((await build(['build', root])).stderr).toMatch(/--enable-helm/);
    rmSync(join(root, 'charts'), { recursive: true });
    const missing = await build(['build', root, '--enable-helm']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/chart demo not found/);
  });
});
