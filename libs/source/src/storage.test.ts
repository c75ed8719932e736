import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArtifactStore, type ArtifactStore } from '@flotilla/artifacts';
import { makeTempDir, removeDir } from '@flotilla/testing';
import { humanSize } from './human-size.js';
import { startArtifactServer, type ArtifactServer } from './server.js';
import { SourceStorage } from './storage.js';

const ref = { kind: 'GitRepository', namespace: 'flux-system', name: 'podinfo' };

describe('artifact storage and server', () => {
  let dir: string;
  let store: ArtifactStore;
  let server: ArtifactServer;
  let storage: SourceStorage;
  beforeAll(async () => {
    dir = await makeTempDir('source-storage');
    store = await openArtifactStore({
      backend: 'fs',
      root: join(dir, 'store'),
      gc: { keep: 2, ttlMs: 60_000 },
    });
    server = await startArtifactServer(store, '127.0.0.1:0');
    storage = new SourceStorage(store, () => 'source-controller.flux-system.svc.cluster.local.');
  });
  afterAll(async () => {
    await server?.close();
    await store?.close();
    await removeDir(dir);
  });

  it('stores under <kind>/<namespace>/<name>/<file> with the alias, and keeps the newest two', async () => {
    const first = await storage.put(ref, 'a.tar.gz', Buffer.from('one'), 'main@sha1:a', { k: 'v' });
    expect(first).toMatchObject({
      path: 'gitrepository/flux-system/podinfo/a.tar.gz',
      url: 'http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/podinfo/a.tar.gz',
      revision: 'main@sha1:a',
      size: 3,
      metadata: { k: 'v' },
    });
    expect(first.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(first.lastUpdateTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(storage.aliasUrl(ref)).toBe(
      'http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/podinfo/latest.tar.gz',
    );
    await storage.put(ref, 'b.tar.gz', Buffer.from('two'), 'main@sha1:b');
    const third = await storage.put(ref, 'c.tar.gz', Buffer.from('three'), 'main@sha1:c');
    const files = (await store.list(ref)).map((f) => f.path.split('/').pop());
    expect(files).toEqual(['b.tar.gz', 'c.tar.gz', 'latest.tar.gz']);
    expect(await storage.has(third)).toBe(true);
    expect(await storage.has({ ...third, digest: `sha256:${'0'.repeat(64)}` })).toBe(false);
    expect(await storage.has(first)).toBe(false);
  });

  it('serves files with GET and HEAD, 404 for missing files and 400 for bad paths', async () => {
    await storage.put(ref, 'd.tar.gz', Buffer.from('served'), 'main@sha1:d');
    const get = await fetch(`${server.url}/gitrepository/flux-system/podinfo/d.tar.gz`);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe('application/gzip');
    expect(await get.text()).toBe('served');
    const alias = await fetch(`${server.url}/gitrepository/flux-system/podinfo/latest.tar.gz`);
    expect(await alias.text()).toBe('served');
    const head = await fetch(`${server.url}/gitrepository/flux-system/podinfo/d.tar.gz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('6');
    expect(head.headers.get('x-flotilla-digest')).toMatch(/^sha256:/);
    expect((await fetch(`${server.url}/gitrepository/flux-system/podinfo/none.tar.gz`)).status).toBe(404);
    expect((await fetch(`${server.url}/.flotilla-meta/x`)).status).toBe(400);
    expect((await fetch(`${server.url}/a//b`)).status).toBe(400);
  });

  it('formats sizes like Go units.HumanSize', () => {
    expect(humanSize(999)).toBe('999B');
    expect(humanSize(1234)).toBe('1.234kB');
    expect(humanSize(52_000_000)).toBe('52MB');
  });
});
