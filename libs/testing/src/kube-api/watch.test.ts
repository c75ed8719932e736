// Watch (kube-api.md §5; checklist 5).
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startKubeApi } from './server.js';
import { createNamespace, startFileKubeApi } from './test-support/file-server.js';
import { configMap } from './test-support/fixtures.js';
import { RawClient } from './test-support/raw-client.js';

const { server, raw } = await startFileKubeApi({ bookmarkIntervalMs: 50 });

const namespace = () => createNamespace(raw, 'w');
const cms = (ns: string) => `/api/v1/namespaces/${ns}/configmaps`;

/** Reads raw bytes of a watch over a plain socket, to see the headers before any event exists. */
function rawHttp(path: string, token: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n\r\n`);
    });
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk.toString();
      if (data.includes('\r\n\r\n')) {
        socket.destroy();
        resolve(data);
      }
    });
    socket.on('error', reject);
    setTimeout(() => reject(new Error(`no headers: ${data}`)), 2000);
  });
}

describe('watch', () => {
  it('flushes 200 headers at once, before any event', async () => {
    const ns = await namespace();
    const head = await rawHttp(
      `${cms(ns)}?watch=true&resourceVersion=${server.resourceVersion}`,
      server.token,
    );
    expect(head).toMatch(/^HTTP\/1\.1 200/);
    expect(head.toLowerCase()).toContain('content-type: application/json');
    expect(head.toLowerCase()).toContain('transfer-encoding: chunked');
  });

  it('frames one compact JSON event per line with full objects', async () => {
    const ns = await namespace();
    const stream = await raw.watch(`${cms(ns)}?resourceVersion=${server.resourceVersion}`);
    await raw.post(cms(ns), configMap('framed', { a: '1' }));
    const [event] = await stream.take(1);
    expect(event?.type).toBe('ADDED');
    expect(event?.object).toMatchObject({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'framed' },
    });
    const line = stream.rawLines[0] as string;
    expect(line).toBe(JSON.stringify(JSON.parse(line)));
    stream.close();
  });

  it('without resourceVersion (or 0) sends ADDED for the current state first, then changes', async () => {
    const ns = await namespace();
    await raw.post(cms(ns), configMap('a'));
    await raw.post(cms(ns), configMap('b'));
    for (const query of ['', '?resourceVersion=0']) {
      const stream = await raw.watch(`${cms(ns)}${query}`);
      const initial = await stream.take(2);
      expect(initial.map((e) => [e.type, e.object.metadata.name]).sort()).toEqual([
        ['ADDED', 'a'],
        ['ADDED', 'b'],
      ]);
      stream.close();
    }
  });

  it('from resourceVersion N replays only later changes, in order; DELETED carries a new resourceVersion', async () => {
    const ns = await namespace();
    const created = (await raw.post(cms(ns), configMap('x', { v: '1' }))).body;
    const start = created.metadata.resourceVersion;
    const updated = (await raw.put(`${cms(ns)}/x`, { ...created, data: { v: '2' } })).body;
    await raw.delete(`${cms(ns)}/x`);
    const stream = await raw.watch(`${cms(ns)}?resourceVersion=${start}`);
    const [modified, deleted] = await stream.take(2);
    expect(modified?.type).toBe('MODIFIED');
    expect(modified?.object.metadata.resourceVersion).toBe(updated.metadata.resourceVersion);
    expect(deleted?.type).toBe('DELETED');
    expect(Number(deleted?.object.metadata.resourceVersion)).toBeGreaterThan(
      Number(updated.metadata.resourceVersion),
    );
    expect(deleted?.object.data).toEqual({ v: '2' });
    stream.close();
  });

  it('the list resourceVersion is the global one: watching from it misses nothing', async () => {
    const ns = await namespace();
    const list = await raw.get(cms(ns));
    expect(list.body.metadata.resourceVersion).toBe(server.resourceVersion);
    await raw.post(cms(ns), configMap('after-list'));
    const stream = await raw.watch(`${cms(ns)}?resourceVersion=${list.body.metadata.resourceVersion}`);
    const [event] = await stream.take(1);
    expect(event).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'after-list' } } });
    stream.close();
  });

  it('objects entering a label selector are ADDED, leaving it DELETED (old state, new resourceVersion)', async () => {
    const ns = await namespace();
    const stream = await raw.watch(
      `${cms(ns)}?labelSelector=team%3Dblue&resourceVersion=${server.resourceVersion}`,
    );
    const created = (await raw.post(cms(ns), configMap('sel', {}, { team: 'red' }))).body;
    const entered = (
      await raw.put(`${cms(ns)}/sel`, {
        ...created,
        metadata: { ...created.metadata, labels: { team: 'blue' } },
      })
    ).body;
    const left = (
      await raw.put(`${cms(ns)}/sel`, {
        ...entered,
        metadata: { ...entered.metadata, labels: { team: 'green' } },
      })
    ).body;
    const [added, removed] = await stream.take(2);
    expect(added).toMatchObject({ type: 'ADDED', object: { metadata: { labels: { team: 'blue' } } } });
    expect(removed?.type).toBe('DELETED');
    expect(removed?.object.metadata.labels).toEqual({ team: 'blue' });
    expect(removed?.object.metadata.resourceVersion).toBe(left.metadata.resourceVersion);
    stream.close();
  });

  it('watches one object with a metadata.name field selector', async () => {
    const ns = await namespace();
    const stream = await raw.watch(
      `${cms(ns)}?fieldSelector=metadata.name%3Done&resourceVersion=${server.resourceVersion}`,
    );
    await raw.post(cms(ns), configMap('two'));
    await raw.post(cms(ns), configMap('one'));
    const [event] = await stream.take(1);
    expect(event?.object.metadata.name).toBe('one');
    expect(stream.pending()).toEqual([]);
    stream.close();
  });

  it('all-namespace watches see every namespace; namespaced ones only theirs', async () => {
    const a = await namespace();
    const b = await namespace();
    const rv = server.resourceVersion;
    const all = await raw.watch(`/api/v1/configmaps?resourceVersion=${rv}`);
    const onlyA = await raw.watch(`${cms(a)}?resourceVersion=${rv}`);
    await raw.post(cms(b), configMap('in-b'));
    await raw.post(cms(a), configMap('in-a'));
    expect((await all.take(2)).map((e) => e.object.metadata.namespace)).toEqual([b, a]);
    expect((await onlyA.take(1))[0]?.object.metadata.namespace).toBe(a);
    all.close();
    onlyA.close();
  });

  it('a resourceVersion older than the history gets 200, an ERROR 410 Expired event, then the end', async () => {
    const ns = await namespace();
    const old = server.resourceVersion;
    await raw.post(cms(ns), configMap('c1'));
    server.compactHistory();
    const stream = await raw.watch(`${cms(ns)}?resourceVersion=${old}`);
    expect(stream.response.status).toBe(200);
    const event = await stream.next();
    expect(event?.type).toBe('ERROR');
    expect(event?.object).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'Expired',
      code: 410,
    });
    expect(await stream.waitForEnd()).toBe(true);
  });

  it('history is bounded per resource: the oldest resourceVersions expire', async () => {
    const small = await startKubeApi({ historyPerStore: 3 });
    try {
      const client = new RawClient(small);
      const start = small.resourceVersion;
      for (let i = 0; i < 5; i++) await client.post(cms('default'), configMap(`h${i}`));
      const stream = await client.watch(`${cms('default')}?resourceVersion=${start}`);
      expect((await stream.next())?.object.code).toBe(410);
      stream.close();
    } finally {
      await small.close();
    }
  });

  it('sends BOOKMARKs carrying only kind, apiVersion and a resourceVersion when allowed', async () => {
    const ns = await namespace();
    const stream = await raw.watch(
      `${cms(ns)}?allowWatchBookmarks=true&resourceVersion=${server.resourceVersion}`,
    );
    const event = await stream.next();
    expect(event?.type).toBe('BOOKMARK');
    expect(event?.object).toEqual({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { resourceVersion: expect.stringMatching(/^\d+$/) },
    });
    stream.close();
    const without = await raw.watch(`${cms(ns)}?resourceVersion=${server.resourceVersion}`);
    await new Promise((r) => setTimeout(r, 150));
    expect(without.pending()).toEqual([]);
    without.close();
  });

  it('sendInitialEvents ends the initial ADDEDs with an annotated BOOKMARK (and needs NotOlderThan + bookmarks)', async () => {
    const ns = await namespace();
    await raw.post(cms(ns), configMap('i1'));
    const stream = await raw.watch(
      `${cms(ns)}?sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&resourceVersion=`,
    );
    const first = await stream.next();
    expect(first).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'i1' } } });
    const end = await stream.next();
    expect(end?.type).toBe('BOOKMARK');
    expect(end?.object.metadata.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
    stream.close();
    const bad = await raw.get(`${cms(ns)}?watch=true&sendInitialEvents=true`);
    expect(bad.status).toBe(422);
  });

  it('ends cleanly after timeoutSeconds', async () => {
    const ns = await namespace();
    const stream = await raw.watch(`${cms(ns)}?timeoutSeconds=1&resourceVersion=${server.resourceVersion}`);
    expect(await stream.waitForEnd(3000)).toBe(true);
    expect(stream.pending()).toEqual([]);
  });

  it('bad parameters are non-200 before the stream starts', async () => {
    const ns = await namespace();
    expect(
      (await raw.get(`${cms(ns)}?watch=true&labelSelector=${encodeURIComponent('a in (')}`)).status,
    ).toBe(400);
    expect((await raw.get(`${cms(ns)}?watch=true&resourceVersion=abc`)).status).toBe(400);
    expect((await raw.get('/api/v1/namespaces/x/widgets?watch=true')).status).toBe(404);
  });

  it('stops delivering to a closed client and forgets the watcher', async () => {
    const ns = await namespace();
    const before = server.openWatches;
    const stream = await raw.watch(`${cms(ns)}?resourceVersion=${server.resourceVersion}`);
    expect(server.openWatches).toBe(before + 1);
    stream.close();
    const deadline = Date.now() + 2000;
    while (server.openWatches > before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(server.openWatches).toBe(before);
  });
});
