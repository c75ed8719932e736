import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { build } from './build.js';
import { KustomizeError, type KustomizeErrorCode } from './errors.js';
import { removeTrees, SERVICE, writeTree } from './test-support/fixture.js';

afterEach(removeTrees);

function errorOf(run: () => unknown): KustomizeError {
  try {
    run();
  } catch (error) {
    if (error instanceof KustomizeError) return error;
    throw error;
  }
  throw new Error('expected a KustomizeError');
}

function expectCode(run: () => unknown, code: KustomizeErrorCode, message: RegExp): void {
  const error = errorOf(run);
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
}

describe('build errors', () => {
  it('reports a directory without a kustomization file', () => {
    expectCode(() => build(writeTree({ 'x.yaml': SERVICE })), 'NO_KUSTOMIZATION', /unable to find one of/);
  });

  it('names the kustomization that lists a missing resource', () => {
    const root = writeTree({ 'kustomization.yaml': 'resources:\n- gone.yaml\n' });
    expectCode(() => build(root), 'MISSING_FILE', /kustomization\.yaml: resource 'gone\.yaml' not found/);
  });

  it('reports missing patch and generator files', () => {
    const patch = writeTree({ 'kustomization.yaml': 'patches:\n- path: p.yaml\n' });
    expectCode(() => build(patch), 'MISSING_FILE', /p\.yaml/);
    const generator = writeTree({
      'kustomization.yaml': 'configMapGenerator:\n- name: a\n  files:\n  - f.txt\n',
    });
    expectCode(() => build(generator), 'MISSING_FILE', /f\.txt/);
  });

  it('refuses paths and symlinks that leave the build root', () => {
    const outside = writeTree({ 'secret.yaml': SERVICE });
    const root = writeTree({ 'app/kustomization.yaml': 'resources:\n- ../../escape.yaml\n' });
    expectCode(() => build(path.join(root, 'app'), { root }), 'OUTSIDE_ROOT', /outside the build root/);
    const linked = writeTree({ 'kustomization.yaml': 'resources:\n- link.yaml\n' });
    symlinkSync(path.join(outside, 'secret.yaml'), path.join(linked, 'link.yaml'));
    expectCode(() => build(linked), 'OUTSIDE_ROOT', /outside the build root/);
  });

  it('detects cycles between kustomizations', () => {
    const root = writeTree({
      'a/kustomization.yaml': 'resources:\n- ../b\n',
      'b/kustomization.yaml': 'resources:\n- ../a\n',
    });
    expectCode(() => build(path.join(root, 'a'), { root }), 'CYCLE', /cycle detected: a -> b -> a/);
  });

  it('rejects duplicate resource ids', () => {
    const root = writeTree({
      'kustomization.yaml': 'resources:\n- s.yaml\n- t.yaml\n',
      's.yaml': SERVICE,
      't.yaml': SERVICE,
    });
    expectCode(() => build(root), 'DUPLICATE_ID', /already registered id: Service web/);
  });

  it('rejects remote bases when no remote loader is configured', () => {
    const root = writeTree({
      'kustomization.yaml': 'resources:\n- https://github.com/org/repo//base?ref=v1\n',
    });
    expectCode(() => build(root), 'REMOTE_DISABLED', /remote bases are disabled/);
  });

  it('reports invalid YAML with its file', () => {
    const root = writeTree({ 'kustomization.yaml': 'resources:\n- bad.yaml\n', 'bad.yaml': 'a: [1,\n' });
    expectCode(() => build(root), 'INVALID_YAML', /bad\.yaml/);
  });

  it('reports resources without kind or name', () => {
    const root = writeTree({
      'kustomization.yaml': 'resources:\n- r.yaml\n',
      'r.yaml': 'apiVersion: v1\nkind: ConfigMap\n',
    });
    expectCode(() => build(root), 'INVALID_RESOURCE', /r\.yaml: a resource needs kind and metadata\.name/);
  });

  it('fails on fields this increment does not implement instead of ignoring them', () => {
    const root = writeTree({ 'kustomization.yaml': 'helmChartInflationGenerator:\n- chartName: x\n' });
    expectCode(() => build(root), 'UNSUPPORTED', /'helmChartInflationGenerator' field is not supported/);
  });

  it('keeps alias expansion bounded', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let level = 1; level < 8; level += 1) {
      const previous = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      bomb.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(',')}]`);
    }
    const root = writeTree({
      'kustomization.yaml': 'resources:\n- r.yaml\n',
      'r.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  ${bomb.join('\n  ')}\n`,
    });
    expectCode(() => build(root), 'LIMIT_EXCEEDED', /r\.yaml: YAML aliases expand too much/);
  });

  it('names file, line and column of invalid YAML in kustomizations, patches and configurations', () => {
    const kustomization = writeTree({ 'kustomization.yaml': 'resources:\n- a\n b: [\n' });
    expectCode(() => build(kustomization), 'INVALID_YAML', /^kustomization\.yaml: .*at line \d+, column \d+/);
    const patch = writeTree({
      'kustomization.yaml': 'resources:\n- svc.yaml\npatches:\n- path: p.yaml\n',
      'svc.yaml': SERVICE,
      'p.yaml': 'kind: Service\nmetadata: {name: web\n',
    });
    expectCode(() => build(patch), 'INVALID_YAML', /^p\.yaml: .*line \d+/);
    const configuration = writeTree({
      'kustomization.yaml': 'configurations:\n- c.yaml\n',
      'c.yaml': 'nameReference:\n- kind: X\n  fieldSpecs: [\n',
    });
    expectCode(() => build(configuration), 'INVALID_YAML', /^c\.yaml: /);
  });

  it('reports conflicting patches: a patch whose target an earlier patch deleted or changed', () => {
    const deleted = writeTree({
      'kustomization.yaml': 'resources:\n- svc.yaml\npatches:\n- path: delete.yaml\n- path: label.yaml\n',
      'svc.yaml': SERVICE,
      'delete.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n$patch: delete\n',
      'label.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels:\n    a: b\n',
    });
    expectCode(
      () => build(deleted),
      'PATCH_FAILED',
      /^label\.yaml: no matches for Id Service\.v1\.\[noGrp\]\/web\.\[noNs\]; failed to find unique target/,
    );
    const tested = writeTree({
      'kustomization.yaml':
        'resources:\n- svc.yaml\npatches:\n- patch: |\n    apiVersion: v1\n    kind: Service\n    metadata: {name: web}\n    spec: {type: NodePort}\n- path: test.yaml\n  target:\n    kind: Service\n',
      'svc.yaml': SERVICE,
      'test.yaml': '- op: test\n  path: /spec/type\n  value: ClusterIP\n',
    });
    expectCode(() => build(tested), 'PATCH_FAILED', /^test\.yaml: .*\(target web\)/);
  });

  it('treats an empty namespace and default as the same resource id, like kustomize', () => {
    const root = writeTree({
      'kustomization.yaml': 'resources:\n- a.yaml\n- b.yaml\npatches:\n- path: p.yaml\n',
      'a.yaml': SERVICE,
      'b.yaml': SERVICE.replace('name: web', 'name: web\n  namespace: default'),
      'p.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n',
    });
    expectCode(() => build(root), 'DUPLICATE_ID', /already registered id: Service default\/web/);
  });

  it('reports a directory given where a file is expected', () => {
    const root = writeTree({
      'kustomization.yaml': 'resources:\n- svc.yaml\npatches:\n- path: sub\n',
      'svc.yaml': SERVICE,
      'sub/x.yaml': SERVICE,
    });
    expectCode(() => build(root), 'INVALID_KUSTOMIZATION', /'sub' is a directory, not a file/);
  });
});
