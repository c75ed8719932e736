import { describe, expect, it } from 'vitest';
import { loadFiles } from '../chart/loader.js';
import { chartYaml, files } from '../chart/test-support/charts.js';
import { templateChart, type TemplateOptions } from './template.js';

const CHART = {
  'Chart.yaml': chartYaml('demo'),
  'values.yaml': 'name: web\nreplicas: 3\nbig: 12345678901\n',
  'templates/NOTES.txt': 'Thanks for installing {{ .Release.Name }}',
  'templates/_helpers.tpl': '{{ define "demo.name" }}{{ .Release.Name }}-{{ .Values.name }}{{ end }}',
  'templates/deploy.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "demo.name" . }}\n  namespace: {{ .Release.Namespace }}\nspec:\n  replicas: {{ .Values.replicas }}\n  big: {{ .Values.big }}\n',
  'templates/sa.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n',
  'templates/hook.yaml':
    'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n    helm.sh/hook: pre-install\n',
  'templates/tests/test.yaml':
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: probe\n  annotations:\n    helm.sh/hook: test\n',
  'crds/thing.yaml':
    'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: things.example.com\n',
};

async function render(options: TemplateOptions = {}, tree: Record<string, string> = CHART) {
  return templateChart(await loadFiles(files(tree)), options);
}

describe('templateChart', () => {
  it('prints manifests in install order with Source headers, then hooks (also by kind); no NOTES', async () => {
    const { stdout } = await render({ releaseName: 'rel', namespace: 'prod' });
    expect(stdout).toBe(
      [
        '---\n# Source: demo/templates/sa.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n',
        '---\n# Source: demo/templates/deploy.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: rel-web\n  namespace: prod\nspec:\n  replicas: 3\n  big: 1.2345678901e+10\n',
        '---\n# Source: demo/templates/tests/test.yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  name: probe\n  annotations:\n    helm.sh/hook: test\n',
        '---\n# Source: demo/templates/hook.yaml\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n    helm.sh/hook: pre-install\n',
      ].join(''),
    );
  });

  it('uses release-name by default and --set over values.yaml', async () => {
    const { stdout } = await render({ set: ['replicas=5', 'name=api'] });
    expect(stdout).toContain('name: release-name-api\n');
    expect(stdout).toContain('replicas: 5\n');
  });

  it('leaves out hooks with noHooks and tests with skipTests', async () => {
    expect((await render({ noHooks: true })).stdout).not.toContain('helm.sh/hook');
    const skipped = (await render({ skipTests: true })).stdout;
    expect(skipped).toContain('name: migrate');
    expect(skipped).not.toContain('name: probe');
  });

  it('prints CRDs first only with includeCrds', async () => {
    expect((await render()).stdout).not.toContain('CustomResourceDefinition');
    expect((await render({ includeCrds: true })).stdout).toMatch(/^---\n# Source: demo\/crds\/thing.yaml\n/);
  });

  it('shows only the templates matching --show-only paths or globs', async () => {
    const { stdout } = await render({ showOnly: ['templates/sa.yaml', 'templates/tests/*'] });
    expect(stdout).toBe(
      '---\n# Source: demo/templates/sa.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n' +
        '---\n# Source: demo/templates/tests/test.yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  name: probe\n  annotations:\n    helm.sh/hook: test\n',
    );
    await expect(render({ showOnly: ['templates/nope.yaml'] })).rejects.toThrow(
      'could not find template templates/nope.yaml in chart',
    );
  });

  it('collects --output-dir files per template path', async () => {
    const result = await render({ outputDir: 'out', includeCrds: true });
    expect([...result.files.keys()]).toEqual([
      'demo/crds/thing.yaml',
      'demo/templates/sa.yaml',
      'demo/templates/deploy.yaml',
      'demo/templates/tests/test.yaml',
      'demo/templates/hook.yaml',
    ]);
    expect(result.stdout).toContain('wrote out/demo/templates/sa.yaml\n');
  });

  it('returns the structured release: manifests, hooks and the root NOTES', async () => {
    const result = await render({ releaseName: 'rel' });
    expect(result.manifests.map((m) => m.head.kind)).toEqual(['ServiceAccount', 'Deployment']);
    expect(result.hooks.map((h) => [h.name, h.events])).toEqual([
      ['probe', ['test']],
      ['migrate', ['pre-install']],
    ]);
    expect(result.notes).toBe('Thanks for installing rel');
  });

  it('rejects a malformed --kube-version as helm template does', async () => {
    await expect(render({ kubeVersion: 'banana' })).rejects.toThrow("invalid kube version 'banana': ");
  });

  it('checks the chart kubeVersion against --kube-version', async () => {
    const tree = { ...CHART, 'Chart.yaml': chartYaml('demo', 'kubeVersion: ">=1.25.0-0"\n') };
    await expect(render({ kubeVersion: '1.22' }, tree)).rejects.toThrow(
      'chart requires kubeVersion: >=1.25.0-0 which is incompatible with Kubernetes v1.22.0',
    );
    expect((await render({ kubeVersion: '1.29' }, tree)).stdout).toContain('kind: Deployment');
  });

  it('reports YAML errors in rendered output with the template path', async () => {
    const tree = { ...CHART, 'templates/bad.yaml': 'a: b: c\n' };
    await expect(render({}, tree)).rejects.toThrow(
      /^YAML parse error on demo\/templates\/bad.yaml: .*\n\nUse --debug flag/s,
    );
  });

  it.each([
    [{ releaseName: 'Bad_Name' }, CHART, 'release name "Bad_Name": invalid release name'],
    [
      {},
      { ...CHART, 'Chart.yaml': chartYaml('demo', 'type: library\n') },
      'library charts are not installable',
    ],
    [
      {},
      { ...CHART, 'Chart.yaml': chartYaml('demo', 'dependencies:\n- name: absent\n  version: 1.0.0\n') },
      'found in Chart.yaml, but missing in charts/ directory: absent',
    ],
    [{ set: ['a'] }, CHART, 'failed parsing --set data: key "a" has no value'],
    [
      {
        valueFiles: ['missing.yaml'],
        readFile: () => {
          throw new Error('open missing.yaml: no such file or directory');
        },
      },
      CHART,
      'open missing.yaml',
    ],
  ])('fails with Helm wording: %j', async (options, tree, message) => {
    await expect(render(options as TemplateOptions, tree)).rejects.toThrow(message);
  });

  it('validates values against values.schema.json', async () => {
    const tree = {
      ...CHART,
      'values.schema.json': JSON.stringify({
        type: 'object',
        properties: { replicas: { type: 'integer', minimum: 1 } },
      }),
    };
    await expect(render({ set: ['replicas=0'] }, tree)).rejects.toThrow(
      "values don't meet the specifications of the schema(s) in the following chart(s):\ndemo:\n- at '/replicas': minimum: got 0, want 1\n",
    );
  });
});
