import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packChart, writeChart } from './helm-chart.js';
import { startHelmRepo, type RunningHelmRepo } from './helm-repo.js';
import { basicAuthHeader } from './http-server.js';
import { makeTempDir, removeDir } from './process.js';
import { tempDirPerTest } from './test-support/temp-dirs.js';

const execFileAsync = promisify(execFile);

interface IndexEntry {
  name: string;
  version: string;
  appVersion?: string;
  apiVersion: string;
  digest: string;
  urls: string[];
  created: string;
}
interface IndexFile {
  apiVersion: string;
  entries: Record<string, IndexEntry[]>;
  generated: string;
}

const scratchDir = tempDirPerTest('helm-client');

async function extract(archive: Buffer): Promise<string> {
  const dir = await scratchDir();
  await writeFile(join(dir, 'chart.tgz'), archive);
  await execFileAsync('tar', ['-xzf', join(dir, 'chart.tgz'), '-C', dir]);
  return dir;
}

describe('startHelmRepo', () => {
  let repo: RunningHelmRepo;
  let chartSource: string;
  beforeAll(async () => {
    chartSource = await makeTempDir('helm-chart-source');
    const podinfoDir = await writeChart(chartSource, {
      name: 'podinfo',
      version: '6.10.0',
      appVersion: '6.10.0',
      values: { replicaCount: 1 },
      files: {
        'templates/configmap.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n',
      },
    });
    repo = await startHelmRepo({
      charts: [podinfoDir, { name: 'podinfo', version: '6.5.0', appVersion: '6.5.0' }],
      created: new Date('2024-02-03T04:05:06Z'),
    });
  });
  afterAll(async () => {
    await repo?.stop();
    if (chartSource) await removeDir(chartSource);
  });

  it('serves an index.yaml listing every chart version, newest first', async () => {
    const response = await fetch(repo.indexUrl);
    expect(response.status).toBe(200);
    const index = parse(await response.text()) as IndexFile;
    expect(index.apiVersion).toBe('v1');
    expect(Number.isNaN(Date.parse(index.generated))).toBe(false);
    expect(index.entries.podinfo?.map((entry) => entry.version)).toEqual(['6.10.0', '6.5.0']);
    const [latest] = index.entries.podinfo ?? [];
    expect(latest).toMatchObject({
      apiVersion: 'v2',
      name: 'podinfo',
      version: '6.10.0',
      appVersion: '6.10.0',
      created: '2024-02-03T04:05:06.000Z',
      urls: [`${repo.url}/charts/podinfo-6.10.0.tgz`],
    });
    expect(latest?.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('serves chart archives whose sha256 matches the index digest and that tar unpacks', async () => {
    const index = parse(repo.index()) as IndexFile;
    const entry = index.entries.podinfo?.[0];
    const response = await fetch(entry?.urls[0] ?? '');
    expect(response.status).toBe(200);
    const archive = Buffer.from(await response.arrayBuffer());
    expect(createHash('sha256').update(archive).digest('hex')).toBe(entry?.digest);
    const unpacked = await extract(archive);
    const chartYaml = parse(await readFile(join(unpacked, 'podinfo/Chart.yaml'), 'utf8')) as Record<
      string,
      string
    >;
    expect(chartYaml).toMatchObject({ apiVersion: 'v2', name: 'podinfo', version: '6.10.0' });
    expect(await readFile(join(unpacked, 'podinfo/values.yaml'), 'utf8')).toBe('replicaCount: 1\n');
    expect(await readFile(join(unpacked, 'podinfo/templates/configmap.yaml'), 'utf8')).toContain(
      'kind: ConfigMap',
    );
  });

  it('answers 304 without a body to If-None-Match and If-Modified-Since, and 200 once the index changes', async () => {
    const first = await fetch(repo.indexUrl);
    const body = await first.text();
    const etag = first.headers.get('etag') ?? '';
    const lastModified = first.headers.get('last-modified') ?? '';
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(Number(first.headers.get('content-length'))).toBe(Buffer.byteLength(body));

    repo.resetStats();
    const byEtag = await fetch(repo.indexUrl, { headers: { 'If-None-Match': etag } });
    expect(byEtag.status).toBe(304);
    expect(await byEtag.text()).toBe('');
    const byDate = await fetch(repo.indexUrl, { headers: { 'If-Modified-Since': lastModified } });
    expect(byDate.status).toBe(304);
    // If-None-Match decides when both are present, even if the date alone would say "not modified".
    const staleTag = await fetch(repo.indexUrl, {
      headers: { 'If-None-Match': '"other"', 'If-Modified-Since': lastModified },
    });
    expect(staleTag.status).toBe(200);
    await staleTag.arrayBuffer();
    expect(repo.stats()).toMatchObject({ requests: 3, notModified: 2, bytes: Buffer.byteLength(body) });

    await repo.addChart({ name: 'redis', version: '1.0.0' });
    const changed = await fetch(repo.indexUrl, { headers: { 'If-None-Match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(await changed.text()).toContain('redis');
    const changedByDate = await fetch(repo.indexUrl, { headers: { 'If-Modified-Since': lastModified } });
    expect(changedByDate.status).toBe(200);
    expect(Date.parse(changedByDate.headers.get('last-modified') ?? '')).toBeGreaterThan(
      Date.parse(lastModified),
    );
  });

  it('answers 304 for a chart archive the client already has', async () => {
    const [chart] = repo.charts();
    const first = await fetch(chart?.url ?? '');
    await first.arrayBuffer();
    expect(first.headers.get('etag')).toBe(`"${chart?.digest}"`);
    repo.resetStats();
    const again = await fetch(chart?.url ?? '', {
      headers: { 'If-None-Match': first.headers.get('etag') ?? '' },
    });
    expect(again.status).toBe(304);
    expect(repo.stats()).toMatchObject({ requests: 1, notModified: 1, bytes: 0 });
  });

  it('answers HEAD without a body and 404 for unknown paths', async () => {
    repo.resetStats();
    const head = await fetch(repo.indexUrl, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBe(Buffer.byteLength(repo.index()));
    expect((await fetch(`${repo.url}/charts/nope-1.0.0.tgz`)).status).toBe(404);
    expect(repo.stats().log.map((entry) => [entry.method, entry.status])).toEqual([
      ['HEAD', 200],
      ['GET', 404],
    ]);
    expect(repo.stats().log[0]?.bytes).toBe(0);
  });

  it('unpublishes a chart version', async () => {
    expect(repo.removeChart('podinfo', '6.5.0')).toBe(true);
    expect(repo.removeChart('podinfo', '6.5.0')).toBe(false);
    const index = parse(await (await fetch(repo.indexUrl)).text()) as IndexFile;
    expect(index.entries.podinfo?.map((entry) => entry.version)).toEqual(['6.10.0']);
    expect((await fetch(`${repo.url}/charts/podinfo-6.5.0.tgz`)).status).toBe(404);
  });
});

describe('packChart', () => {
  it('is reproducible and keeps paths longer than ustar allows', async () => {
    const dir = await scratchDir();
    // One path splits into ustar prefix + name; the other fits neither and needs a PAX header.
    const splitName = `${'mid/'.repeat(30)}short.yaml`;
    const longName = `${'deep/'.repeat(30)}${'x'.repeat(120)}.yaml`;
    const chartDir = await writeChart(dir, {
      name: 'long',
      version: '0.1.0',
      files: { [splitName]: 'split: true\n', [longName]: 'long: true\n' },
    });
    const first = await packChart(chartDir);
    const second = await packChart(chartDir);
    expect(second.digest).toBe(first.digest);
    expect(first.fileName).toBe('long-0.1.0.tgz');
    const unpacked = await extract(first.archive);
    expect(await readFile(join(unpacked, 'long', longName), 'utf8')).toBe('long: true\n');
    expect(await readFile(join(unpacked, 'long', splitName), 'utf8')).toBe('split: true\n');
    const listing = (await execFileAsync('tar', ['-tzf', join(unpacked, 'chart.tgz')])).stdout
      .split('\n')
      .filter(Boolean);
    expect(listing.sort()).toEqual(
      ['long/Chart.yaml', `long/${longName}`, `long/${splitName}`, 'long/values.yaml'].sort(),
    );
  });

  it('rejects a chart without a version', async () => {
    const dir = await scratchDir();
    await writeFile(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: broken\n');
    await expect(packChart(dir)).rejects.toThrow(/name and a version/);
  });
});

describe('startHelmRepo with basic auth', () => {
  let repo: RunningHelmRepo;
  beforeAll(async () => {
    repo = await startHelmRepo({
      auth: { username: 'helm', password: 'charts' },
      charts: [{ name: 'private', version: '1.0.0' }],
    });
  });
  afterAll(async () => repo?.stop());

  it('challenges requests without or with wrong credentials and serves the right ones', async () => {
    const anonymous = await fetch(repo.indexUrl);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="flotilla-helm"');
    const wrong = await fetch(repo.indexUrl, {
      headers: { Authorization: basicAuthHeader({ username: 'helm', password: 'nope' }) },
    });
    expect(wrong.status).toBe(401);
    const authorization = basicAuthHeader({ username: 'helm', password: 'charts' });
    const index = await fetch(repo.indexUrl, { headers: { Authorization: authorization } });
    expect(index.status).toBe(200);
    const [chart] = repo.charts();
    const archive = await fetch(chart?.url ?? '', { headers: { Authorization: authorization } });
    expect(
      createHash('sha256')
        .update(Buffer.from(await archive.arrayBuffer()))
        .digest('hex'),
    ).toBe(chart?.digest);
    expect(repo.stats()).toMatchObject({ requests: 4, unauthorized: 2 });
    expect(repo.summary()).toBe(`helm-repo   ${repo.url}  user=helm  password=charts  charts=1`);
  });
});

describe('startHelmRepo stop()', () => {
  it('closes the server and can be called again', async () => {
    const repo = await startHelmRepo({ charts: [{ name: 'short', version: '1.0.0' }] });
    try {
      expect((await fetch(repo.indexUrl)).status).toBe(200);
    } finally {
      await repo.stop();
    }
    await repo.stop();
    await expect(fetch(repo.indexUrl)).rejects.toThrow();
  });
});
