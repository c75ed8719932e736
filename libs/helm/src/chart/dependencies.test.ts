import { describe, expect, it } from 'vitest';
import { coalesceValues } from '../values/coalesce.js';
import { cloneChart, processDependencies } from './dependencies.js';
import { loadFiles } from './loader.js';
import { chartYaml, files } from './test-support/charts.js';

async function parentWith(deps: string, values = '', extra: Record<string, string> = {}) {
  return loadFiles(
    files({
      'Chart.yaml': chartYaml('parent', `dependencies:\n${deps}`),
      'values.yaml': values,
      'charts/sub/Chart.yaml': chartYaml('sub'),
      'charts/sub/values.yaml':
        'port: 80\nexports:\n  data:\n    shared: from-sub\nnested:\n  deep:\n    x: 1\n',
      'charts/other/Chart.yaml': chartYaml('other'),
      ...extra,
    }),
  );
}

const subNames = (c: { dependencies: { metadata: { name: string } }[] }): string[] =>
  c.dependencies.map((d) => d.metadata.name);

describe('processDependencies', () => {
  it('drops subcharts whose condition is false, keeps the rest', async () => {
    const loaded = await parentWith(
      '- name: sub\n  version: 0.1.0\n  condition: sub.enabled\n- name: other\n  version: ~0.1\n',
      'sub:\n  enabled: false\n',
    );
    const chart = cloneChart(loaded);
    processDependencies(chart, {});
    expect(subNames(chart)).toEqual(['other']);
    expect(chart.metadata.dependencies?.map((d) => d.name)).toEqual(['other']);
    expect(subNames(loaded)).toEqual(['other', 'sub']);
  });

  it('lets user values win over chart values for conditions; the first resolvable condition counts', async () => {
    const chart = cloneChart(
      await parentWith(
        '- name: sub\n  version: 0.1.0\n  condition: missing.path,sub.enabled\n',
        'sub:\n  enabled: false\n',
      ),
    );
    processDependencies(chart, { sub: { enabled: true } });
    expect(subNames(chart)).toContain('sub');
  });

  it('disables by tags only when no tag is true', async () => {
    const deps =
      '- name: sub\n  version: 0.1.0\n  tags: [a, b]\n- name: other\n  version: 0.1.0\n  tags: [c]\n';
    const chart = cloneChart(await parentWith(deps, 'tags:\n  a: false\n  b: true\n  c: false\n'));
    processDependencies(chart, {});
    expect(subNames(chart)).toEqual(['sub']);
  });

  it('makes a renamed copy for an alias, and the condition uses the alias', async () => {
    const deps =
      '- name: sub\n  version: 0.1.0\n  alias: first\n- name: sub\n  version: 0.1.0\n  alias: second\n  condition: second.enabled\n';
    const chart = cloneChart(await parentWith(deps, 'second:\n  enabled: false\n'));
    processDependencies(chart, {});
    expect(subNames(chart)).toEqual(['other', 'first']);
    expect(chart.dependencies[1]?.parent).toBe(chart);
  });

  it('renders an aliased subchart and its own subcharts under the alias path', async () => {
    const loaded = await loadFiles(
      files({
        'Chart.yaml': chartYaml('top', 'dependencies:\n- name: mid\n  version: 0.1.0\n  alias: renamed\n'),
        'charts/mid/Chart.yaml': chartYaml('mid'),
        'charts/mid/charts/leaf/Chart.yaml': chartYaml('leaf'),
        'charts/mid/charts/leaf/templates/t.yaml': 'x',
      }),
    );
    const chart = cloneChart(loaded);
    processDependencies(chart, {});
    const leaf = chart.dependencies[0]?.dependencies[0];
    expect(leaf?.parent?.metadata.name).toBe('renamed');
    expect(leaf?.parent?.parent).toBe(chart);
    expect(loaded.dependencies[0]?.metadata.name).toBe('mid');
  });

  it('imports child values into the parent in both forms; parent values win', async () => {
    const deps =
      '- name: sub\n  version: 0.1.0\n  import-values:\n  - data\n  - child: nested.deep\n    parent: imported\n';
    const chart = cloneChart(await parentWith(deps, 'imported:\n  x: 2\n'));
    processDependencies(chart, {});
    expect(chart.values['shared']).toBe('from-sub');
    expect(chart.values['imported']).toEqual({ x: 2 });
    expect(chart.metadata.dependencies?.[0]?.importValues).toEqual([
      { child: 'exports.data', parent: '.' },
      { child: 'nested.deep', parent: 'imported' },
    ]);
  });

  it('keeps a null for the final coalesce so it deletes the subchart default', async () => {
    const chart = cloneChart(await parentWith('- name: sub\n  version: 0.1.0\n', 'sub:\n  port: null\n'));
    processDependencies(chart, {});
    const values = coalesceValues(chart, {});
    expect(values['sub']).not.toHaveProperty('port');
  });
});
