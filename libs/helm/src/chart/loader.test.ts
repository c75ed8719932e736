import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadArchive, loadChart, loadDir, loadFiles } from './loader.js';
import { chartYaml, files, tgz, writeTree } from './test-support/charts.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tree(t: Parameters<typeof writeTree>[0]): string {
  const dir = writeTree(t);
  dirs.push(dir);
  return dir;
}

const names = (list: { name: string }[]): string[] => list.map((f) => f.name);

describe('loadFiles', () => {
  it('sorts files into metadata, values (float64 numbers), schema, templates and files', async () => {
    const chart = await loadFiles(
      files({
        'Chart.yaml': chartYaml('demo', 'appVersion: 1.10\nkubeVersion: ">=1.20.0-0"\n'),
        'values.yaml': 'replicas: 3\nenabled: yes\nname: x\n',
        'values.schema.json': '{}',
        'templates/deploy.yaml': 'kind: Deployment',
        'crds/crd.yaml': 'kind: CustomResourceDefinition',
        'README.md': '# demo',
      }),
    );
    expect(chart.metadata).toMatchObject({
      name: 'demo',
      version: '0.1.0',
      appVersion: '1.10',
      kubeVersion: '>=1.20.0-0',
    });
    expect(chart.values).toEqual({ replicas: 3, enabled: true, name: 'x' });
    expect(typeof chart.values['replicas']).toBe('number');
    expect(chart.schema).toBeDefined();
    expect(names(chart.templates)).toEqual(['templates/deploy.yaml']);
    expect(names(chart.files)).toEqual(['crds/crd.yaml', 'README.md']);
  });

  it('reads only the first document of a values file, as yaml.Unmarshal does', async () => {
    const chart = await loadFiles(
      files({ 'Chart.yaml': chartYaml('x'), 'values.yaml': 'a: 1\n---\nb: 2\n' }),
    );
    expect(chart.values).toEqual({ a: 1 });
  });

  it('defaults apiVersion to v1 and takes a v1 chart dependencies from requirements.yaml', async () => {
    const chart = await loadFiles(
      files({
        'Chart.yaml': 'name: old\nversion: 1.0.0\n',
        'requirements.yaml': 'dependencies:\n- name: sub\n  version: 0.1.0\n  condition: sub.enabled\n',
        'charts/sub/Chart.yaml': chartYaml('sub'),
      }),
    );
    expect(chart.metadata.apiVersion).toBe('v1');
    expect(chart.metadata.dependencies).toEqual([
      { name: 'sub', version: '0.1.0', condition: 'sub.enabled' },
    ]);
    expect(names(chart.files)).toContain('requirements.yaml');
    expect(chart.dependencies[0]?.parent).toBe(chart);
  });

  it('reads import-values in both forms', async () => {
    const chart = await loadFiles(
      files({
        'Chart.yaml': chartYaml(
          'p',
          'dependencies:\n- name: c\n  version: 0.1.0\n  import-values:\n  - data\n  - child: a.b\n    parent: x\n',
        ),
        'charts/c/Chart.yaml': chartYaml('c'),
      }),
    );
    expect(chart.metadata.dependencies?.[0]?.importValues).toEqual(['data', { child: 'a.b', parent: 'x' }]);
  });

  it.each([
    [{ 'values.yaml': 'a: 1' }, 'Chart.yaml file is missing'],
    [{ 'Chart.yaml': 'apiVersion: v2\nversion: 1.0.0' }, 'validation: chart.metadata.name is required'],
    [{ 'Chart.yaml': 'apiVersion: v2\nname: x' }, 'validation: chart.metadata.version is required'],
    [
      { 'Chart.yaml': 'apiVersion: v2\nname: x\nversion: one' },
      'validation: chart.metadata.version "one" is invalid',
    ],
    [
      { 'Chart.yaml': chartYaml('x', 'type: Library\n') },
      'validation: chart.metadata.type must be application or library',
    ],
    [
      { 'Chart.yaml': chartYaml('x', 'dependencies:\n- name: a\n  alias: b.c\n') },
      'validation: dependency "a" has disallowed characters in the alias',
    ],
    [
      { 'Chart.yaml': chartYaml('x'), 'values.yaml': '- a\n- b\n' },
      'cannot load values.yaml: error unmarshaling JSON',
    ],
  ])('rejects %j with %s', async (tree, message) => {
    await expect(loadFiles(files(tree))).rejects.toThrow(message);
  });

  it('names the subchart that fails to load', async () => {
    await expect(
      loadFiles(files({ 'Chart.yaml': chartYaml('p'), 'charts/bad/values.yaml': 'a: 1' })),
    ).rejects.toThrow('error unpacking subchart bad in p: Chart.yaml file is missing');
  });
});

describe('loadDir', () => {
  it('honours .helmignore and the templates/ dot-file default, walking in lexical order', async () => {
    const dir = tree({
      'Chart.yaml': chartYaml('demo'),
      '.helmignore': '*.bak\nci/\n',
      'templates/b.yaml': 'b',
      'templates/a.yaml': 'a',
      'templates/.hidden': 'h',
      'templates/old.bak': 'x',
      'ci/values.yaml': 'a: 1',
      'files/a.txt': 'a',
      'files.txt': 'f',
    });
    const chart = await loadDir(dir);
    expect(names(chart.templates)).toEqual(['templates/a.yaml', 'templates/b.yaml']);
    expect(names(chart.files)).toEqual(['.helmignore', 'files/a.txt', 'files.txt']);
  });

  it('loads vendored subcharts as directories and archives', async () => {
    const archive = await tgz({ 'Chart.yaml': chartYaml('packed'), 'templates/t.yaml': 'x' }, 'packed');
    const dir = tree({
      'Chart.yaml': chartYaml('parent'),
      'charts/unpacked/Chart.yaml': chartYaml('unpacked'),
      'charts/packed-0.1.0.tgz': archive,
      'charts/_skipped/Chart.yaml': chartYaml('skipped'),
    });
    const chart = await loadChart(dir);
    expect(chart.dependencies.map((d) => d.metadata.name)).toEqual(['packed', 'unpacked']);
    expect(names(chart.dependencies[0]?.templates ?? [])).toEqual(['templates/t.yaml']);
  });

  it('refuses a file that is not a chart archive', async () => {
    const dir = tree({ 'notes.txt': 'hello' });
    await expect(loadChart(join(dir, 'notes.txt'))).rejects.toThrow(
      /^file '.*notes.txt' does not appear to be a gzipped archive; got 'text\/plain; charset=utf-8'$/,
    );
  });

  it('says when the path does not exist', async () => {
    await expect(loadChart(join(tree({}), 'missing'))).rejects.toThrow(/path ".*missing" not found/);
  });
});

describe('loadArchive', () => {
  it('strips the chart directory from entry names', async () => {
    const chart = await loadArchive(
      await tgz({ 'Chart.yaml': chartYaml('x'), 'templates/a.yaml': 'a' }, 'x'),
    );
    expect(chart.metadata.name).toBe('x');
    expect(names(chart.templates)).toEqual(['templates/a.yaml']);
  });

  it('rejects unsafe and non-gzip archives', async () => {
    await expect(loadArchive(await tgz({ '../evil': 'x' }, 'x'))).rejects.toThrow(
      'chart illegally references parent directory',
    );
    await expect(loadArchive(new TextEncoder().encode('plain text'))).rejects.toThrow('gzipped archive');
    await expect(loadArchive(await tgz({}, 'x'))).rejects.toThrow('no files in chart archive');
  });
});
