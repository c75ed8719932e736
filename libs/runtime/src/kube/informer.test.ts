// Informers against the API-server double: list then watch, relist after 410, survival of
// dropped watches and 500s, label-selector sharding, a shared cache, resync.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONFIG_MAPS,
  onRealCluster,
  startKubeFixture,
  waitFor,
  type KubeFixture,
} from '../test-support/kube-fixture.js';
import type { KubeClient } from './client.js';
import { Informer } from './informer.js';
import type { ApiObject } from './resource.js';
import { SharedInformers } from './shared-informers.js';

interface Recorded {
  events: string[];
  informer: Informer;
}

function record(informer: Informer): Recorded {
  const events: string[] = [];
  informer.addHandler({
    add: (obj) => events.push(`add ${obj.metadata?.name}`),
    update: (previous, current) =>
      events.push(
        `update ${current.metadata?.name}${previous.metadata?.resourceVersion === current.metadata?.resourceVersion ? ' (same rv)' : ''}`,
      ),
    delete: (obj) => events.push(`delete ${obj.metadata?.name}`),
  });
  return { events, informer };
}

const names = (informer: Informer) =>
  informer.store
    .list()
    .map((o) => o.metadata?.name)
    .sort();

describe('Informer', () => {
  let kube: KubeFixture;
  let client: KubeClient;
  const informers: Informer[] = [];
  const create = (ns: string, name: string, labels?: Record<string, string>) =>
    client.create(CONFIG_MAPS, { metadata: { name, namespace: ns, ...(labels ? { labels } : {}) } });
  const informerFor = (ns: string, extra: Partial<ConstructorParameters<typeof Informer>[0]> = {}) => {
    const informer = new Informer({
      client,
      resource: CONFIG_MAPS,
      namespace: ns,
      initialBackoffMs: 20,
      maxBackoffMs: 200,
      ...extra,
    });
    informers.push(informer);
    return informer;
  };

  beforeAll(async () => {
    kube = await startKubeFixture();
    client = kube.client({ qps: 0 });
  });
  afterAll(async () => {
    await Promise.all(informers.map((i) => i.stop()));
    await kube.close();
  });

  it('lists into the cache, then follows changes through the watch', async () => {
    const ns = await kube.namespace();
    await create(ns, 'before');
    const { events, informer } = record(informerFor(ns));
    await informer.start();
    expect(informer.hasSynced).toBe(true);
    expect(names(informer)).toEqual(['before']);
    await create(ns, 'live');
    await client.patch(CONFIG_MAPS, { namespace: ns, name: 'live' }, { data: { k: 'v' } });
    await client.delete(CONFIG_MAPS, { namespace: ns, name: 'before' });
    await waitFor(
      () => [...events],
      (e) => e.includes('delete before'),
      'watch events',
    );
    expect(events).toEqual(['add before', 'add live', 'update live', 'delete before']);
    expect(names(informer)).toEqual(['live']);
    expect(informer.stats.lists).toBe(1);
    expect(informer.store.getByName(ns, 'live')?.data).toEqual({ k: 'v' });
  });

  it.skipIf(onRealCluster)('relists after 410 Gone and reports what changed meanwhile', async () => {
    const server = kube.server!;
    const ns = await kube.namespace();
    await create(ns, 'kept');
    await create(ns, 'removed');
    const { events, informer } = record(informerFor(ns));
    await informer.start();
    // Hold the re-watch back while the world changes and history is compacted, so it resumes
    // from a resourceVersion that no longer exists.
    const slow = server.faults.add({
      path: `/api/v1/namespaces/${ns}/configmaps`,
      watch: true,
      latencyMs: 300,
      times: 1,
    });
    server.dropWatches(`/api/v1/namespaces/${ns}/configmaps`);
    await create(ns, 'during-outage');
    await client.delete(CONFIG_MAPS, { namespace: ns, name: 'removed' });
    server.compactHistory();
    await waitFor(
      () => informer.stats.lists,
      (n) => n === 2,
      'relist',
    );
    expect(slow.hits).toBe(1);
    expect(informer.stats.relists).toBe(1);
    expect(names(informer)).toEqual(['during-outage', 'kept']);
    expect(events).toEqual(['add kept', 'add removed', 'delete removed', 'add during-outage']);
    await create(ns, 'after');
    await waitFor(
      () => names(informer),
      (n) => n.includes('after'),
      'watch after relist',
    );
    // The same when the server answers the watch request itself with HTTP 410.
    const gone = server.faults.add({
      path: `/api/v1/namespaces/${ns}/configmaps`,
      watch: true,
      status: 410,
      times: 1,
    });
    await waitFor(
      () => server.dropWatches(`/api/v1/namespaces/${ns}/configmaps`),
      (n) => n === 1,
      'the watch to drop',
    );
    await waitFor(
      () => informer.stats.lists,
      (n) => n === 3,
      'relist after HTTP 410',
    );
    expect(gone.hits).toBe(1);
    expect(informer.stats.relists).toBe(2);
    expect(informer.stats.failures).toBe(0);
  });

  it.skipIf(onRealCluster)(
    'survives dropped watches and 500s on list and watch, resuming without losing events',
    async () => {
      const server = kube.server!;
      const ns = await kube.namespace();
      const path = `/api/v1/namespaces/${ns}/configmaps`;
      const listFault = server.faults.add({ path, watch: false, status: 500, times: 2 });
      const { events, informer } = record(informerFor(ns));
      await informer.start();
      expect(listFault.hits).toBe(2);
      expect(informer.stats.failures).toBe(2);
      const watchFault = server.faults.add({ path, watch: true, status: 500, times: 3 });
      await waitFor(
        () => server.dropWatches(path),
        (n) => n === 1,
        'the watch to drop',
      );
      await create(ns, 'while-failing');
      await waitFor(
        () => [...events],
        (e) => e.includes('add while-failing'),
        'event after watch failures',
        15_000,
      );
      expect(watchFault.hits).toBe(3);
      expect(informer.stats.failures).toBe(5);
      // Resumed from the last resourceVersion: no relist was needed.
      expect(informer.stats.lists).toBe(1);
      const dropping = server.faults.add({ path, watch: true, dropWatchAfterMs: 30, times: 2 });
      await waitFor(
        () => server.dropWatches(path),
        (n) => n === 1,
        'the watch to drop',
      );
      await waitFor(
        () => dropping.hits,
        (n) => n === 2,
        'watch re-opened after drops',
      );
      await create(ns, 'after-drops');
      await waitFor(
        () => names(informer),
        (n) => n.includes('after-drops'),
        'event after drops',
      );
      expect(events.filter((e) => e.startsWith('add'))).toEqual(['add while-failing', 'add after-drops']);
      expect(informer.stats.lists).toBe(1);
    },
  );

  it('shards by label selector: objects entering and leaving the selection come and go', async () => {
    const ns = await kube.namespace();
    await create(ns, 'mine', { 'sharding.fluxcd.io/key': 'shard1' });
    await create(ns, 'other', { 'sharding.fluxcd.io/key': 'shard2' });
    await create(ns, 'unsharded');
    const shard = record(informerFor(ns, { labelSelector: 'sharding.fluxcd.io/key=shard1' }));
    const main = record(informerFor(ns, { labelSelector: '!sharding.fluxcd.io/key' }));
    await Promise.all([shard.informer.start(), main.informer.start()]);
    expect(names(shard.informer)).toEqual(['mine']);
    expect(names(main.informer)).toEqual(['unsharded']);
    await client.patch(
      CONFIG_MAPS,
      { namespace: ns, name: 'unsharded' },
      { metadata: { labels: { 'sharding.fluxcd.io/key': 'shard1' } } },
    );
    await waitFor(
      () => names(shard.informer),
      (n) => n.length === 2,
      'object entering the shard',
    );
    await waitFor(
      () => names(main.informer),
      (n) => n.length === 0,
      'object leaving the main instance',
    );
    expect(main.events).toEqual(['add unsharded', 'delete unsharded']);
  });

  it('shares one informer per resource and selection, replaying the cache to late handlers', async () => {
    const ns = await kube.namespace();
    await create(ns, 'x');
    const shared = new SharedInformers({ client });
    const first = shared.informerFor(CONFIG_MAPS, { namespace: ns });
    expect(shared.informerFor(CONFIG_MAPS, { namespace: ns })).toBe(first);
    expect(shared.informerFor(CONFIG_MAPS, { namespace: ns, labelSelector: 'a=b' })).not.toBe(first);
    await first.start();
    const late: string[] = [];
    first.addHandler({ add: (obj: ApiObject) => late.push(String(obj.metadata?.name)) });
    expect(late).toEqual(['x']);
    await first.start();
    expect(first.stats.lists).toBe(1);
    expect(shared.allSynced).toBe(false);
    await shared.stopAll();
  });

  it('re-delivers the cache on resync', async () => {
    const ns = await kube.namespace();
    await create(ns, 'r');
    const informer = informerFor(ns, { resyncPeriodMs: 50 });
    const resynced: string[] = [];
    informer.addHandler({ resync: (obj) => resynced.push(String(obj.metadata?.name)) });
    await informer.start();
    await waitFor(
      () => resynced.length,
      (n) => n >= 2,
      'two resyncs',
    );
    expect(new Set(resynced)).toEqual(new Set(['r']));
  });
});
