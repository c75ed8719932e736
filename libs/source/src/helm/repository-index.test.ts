import { describe, expect, it } from 'vitest';
import { IndexCache } from './index-cache.js';
import { chartArtifactVersion, revisionDigest } from './chart-version.js';
import {
  ChartNotFoundError,
  IndexError,
  parseIndex,
  selectChartVersion,
  serializeIndex,
  toSemverRange,
} from './repository-index.js';

const INDEX = `apiVersion: v1
entries:
  podinfo:
    - name: podinfo
      version: 6.0.0
      urls: [podinfo-6.0.0.tgz]
    - name: podinfo
      version: 6.2.0
      urls: [podinfo-6.2.0.tgz]
    - name: podinfo
      version: 7.0.0-rc.1
    - name: podinfo
      version: not-a-version
    - version: 6.1.0
  broken: notalist
generated: "2024-01-01T00:00:00Z"
`;

describe('Helm repository index', () => {
  it('parses YAML, drops invalid entries and sorts versions newest first', () => {
    const index = parseIndex(INDEX);
    expect(index.entries.podinfo?.map((e) => e.version)).toEqual(['7.0.0-rc.1', '6.2.0', '6.1.0', '6.0.0']);
    expect(index.entries.podinfo?.every((e) => e.apiVersion === 'v1' && e.name === 'podinfo')).toBe(true);
    expect(index.entries.broken).toBeUndefined();
    expect(index.generated).toBe('2024-01-01T00:00:00Z');
  });

  it('keeps timestamps as strings and lets a repeated key keep its last value', () => {
    const index = parseIndex(
      'apiVersion: v1\ngenerated: 2016-10-06T16:23:20.499029981-06:00\napiVersion: v2\nentries: {}\n',
    );
    expect(index.generated).toBe('2016-10-06T16:23:20.499029981-06:00');
    expect(index.apiVersion).toBe('v2');
  });

  it('parses JSON (the artifact form) back to the same index', () => {
    const index = parseIndex(INDEX);
    const json = serializeIndex(index);
    expect(json.startsWith('{\n  "apiVersion": "v1"')).toBe(true);
    expect(parseIndex(json)).toEqual(index);
  });

  it('rejects a document without apiVersion or that is not YAML', () => {
    expect(() => parseIndex('entries: {}\n')).toThrow(new IndexError('no API version specified'));
    expect(() => parseIndex('apiVersion: v1\nentries: [\n')).toThrow(IndexError);
    expect(() => parseIndex('- a\n- b\n')).toThrow(IndexError);
  });

  it('selects versions by Masterminds-style ranges, prereleases only when asked', () => {
    const index = parseIndex(INDEX);
    expect(selectChartVersion(index, 'podinfo').version).toBe('6.2.0');
    expect(selectChartVersion(index, 'podinfo', '>=6.0.0, <6.2.0').version).toBe('6.1.0');
    expect(selectChartVersion(index, 'podinfo', '~6.0').version).toBe('6.0.0');
    expect(selectChartVersion(index, 'podinfo', '>=7.0.0-0').version).toBe('7.0.0-rc.1');
    expect(selectChartVersion(index, 'podinfo', '6.1.0').version).toBe('6.1.0');
    expect(() => selectChartVersion(index, 'podinfo', '>=8')).toThrow(ChartNotFoundError);
    expect(() => selectChartVersion(index, 'missing')).toThrow('no chart name found: missing');
    expect(toSemverRange('>= 1.0, < 2.0 || 3.x')).toBe('>= 1.0  < 2.0 || 3.x');
  });

  it('caches parsed indexes with a TTL refreshed on use and a size bound', () => {
    let now = 0;
    const cache = new IndexCache(2, 100, () => now);
    const index = parseIndex(INDEX);
    cache.set('a', index);
    cache.set('b', index);
    now = 90;
    expect(cache.get('a')).toBe(index);
    now = 150;
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(index);
    cache.set('c', index);
    cache.set('d', index);
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBeUndefined();
  });
});

describe('HelmChart artifact versions (source.md §5)', () => {
  it('adds the source digest and generation as build metadata, replacing existing metadata', () => {
    expect(chartArtifactVersion('6.0.3', {})).toBe('6.0.3');
    expect(chartArtifactVersion('6.0.3', { generation: 1 })).toBe('6.0.3+1');
    expect(
      chartArtifactVersion('6.0.3+old', { sourceRevision: `main@sha1:4e5cbb7b97d0${'0'.repeat(28)}` }),
    ).toBe('6.0.3+4e5cbb7b97d0');
    expect(
      chartArtifactVersion('6.0.3', {
        sourceRevision: `sha256:4e5cbb7b97d0${'1'.repeat(52)}`,
        generation: 2,
      }),
    ).toBe('6.0.3+4e5cbb7b97d0.2');
    expect(revisionDigest('v1@sha1:abc')).toBe('abc');
  });
});
