import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { build, buildAsync } from './build.js';
import { deepMerge, type HelmChartRequest } from './helm.js';
import { at, removeTrees, SERVICE, writeTree } from './test-support/fixture.js';

afterEach(removeTrees);

const KUSTOMIZATION = `resources:
- svc.yaml
namePrefix: p-
helmCharts:
- name: podinfo
  version: 6.5.0
  repo: https://stefanprodan.github.io/podinfo
  releaseName: web
  namespace: apps
  valuesFile: values.yaml
  additionalValuesFiles: [extra.yaml]
  valuesInline:
    replicaCount: 3
    image:
      tag: inline
  includeCRDs: true
`;

function tree(kustomization = KUSTOMIZATION): string {
  return writeTree({
    'kustomization.yaml': kustomization,
    'svc.yaml': SERVICE,
    'values.yaml': 'replicaCount: 1\nimage:\n  repository: ghcr.io/podinfo\n  tag: file\n',
    'extra.yaml': 'ui:\n  color: blue\n',
  });
}

/** A renderer standing in for `helm template`: one ConfigMap echoing what it was given. */
function render(request: HelmChartRequest): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${request.releaseName}-${request.name}
  namespace: ${request.namespace ?? 'default'}
data:
  values: '${JSON.stringify(request.values)}'
  crds: "${String(request.includeCRDs)}"
`;
}

describe('helmCharts', () => {
  it('needs enableHelm, like kustomize --enable-helm', () => {
    expect(() => build(tree(), { helmRenderer: render })).toThrow(/must specify --enable-helm/);
    expect(() => build(tree(), { enableHelm: true })).toThrow(/none is configured/);
  });

  it('renders each chart with merged values and transforms the output with the rest', () => {
    const requests: HelmChartRequest[] = [];
    const root = tree();
    const { resources } = build(root, {
      enableHelm: true,
      helmRenderer: (request) => {
        requests.push(request);
        return render(request);
      },
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      name: 'podinfo',
      version: '6.5.0',
      repo: 'https://stefanprodan.github.io/podinfo',
      releaseName: 'web',
      namespace: 'apps',
      includeCRDs: true,
      chartHome: path.join(root, 'charts'),
      chartDir: path.join(root, 'charts', 'podinfo'),
    });
    expect(requests[0]?.values).toEqual({
      replicaCount: 3,
      image: { repository: 'ghcr.io/podinfo', tag: 'inline' },
      ui: { color: 'blue' },
    });
    const configMap = resources.find((object) => object['kind'] === 'ConfigMap');
    expect(at(configMap, 'metadata.name')).toBe('p-web-podinfo');
    expect(at(configMap, 'metadata.namespace')).toBe('apps');
  });

  it('merges valuesInline under the file values with valuesMerge: merge, or replaces them', () => {
    const values = (merge: string): unknown => {
      let seen: unknown;
      build(tree(KUSTOMIZATION.replace('  includeCRDs: true\n', `  valuesMerge: ${merge}\n`)), {
        enableHelm: true,
        helmRenderer: (request) => {
          seen = request.values;
          return '';
        },
      });
      return seen;
    };
    expect(values('merge')).toEqual({
      replicaCount: 1,
      image: { repository: 'ghcr.io/podinfo', tag: 'file' },
      ui: { color: 'blue' },
    });
    expect(values('replace')).toEqual({ replicaCount: 3, image: { tag: 'inline' } });
    expect(() => values('sideways')).toThrow(/valuesMerge must be one of/);
  });

  it('awaits an asynchronous renderer in buildAsync', async () => {
    const { resources } = await buildAsync(tree(), {
      enableHelm: true,
      helmRenderer: (request) => Promise.resolve(render(request)),
    });
    expect(resources.map((object) => object['kind'])).toEqual(['ConfigMap', 'Service']);
    await expect(
      buildAsync(tree(), { enableHelm: true, helmRenderer: () => Promise.reject(new Error('no chart')) }),
    ).rejects.toMatchObject({ code: 'HELM_FAILED' });
  });

  it('keeps values files inside the build root', () => {
    const root = tree(KUSTOMIZATION.replace('valuesFile: values.yaml', 'valuesFile: ../../etc/passwd'));
    expect(() => build(root, { enableHelm: true, helmRenderer: render })).toThrow(/outside the build root/);
  });

  it('coalesces values maps like Helm', () => {
    expect(deepMerge({ a: { b: 1, c: 2 }, d: [1] }, { a: { c: 3 }, d: [2] })).toEqual({
      a: { b: 1, c: 3 },
      d: [2],
    });
  });
});
