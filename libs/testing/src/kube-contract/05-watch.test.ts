// Checklist 5: watches through client-node's Watch and informer: headers before any event, one event
// per line, replay strictly after a resourceVersion, initial ADDEDs, DELETED with a new
// resourceVersion, selector transitions, ERROR 410 then end of stream, and list RV = global RV.
import {
  PatchStrategy,
  setHeaderOptions,
  Watch,
  makeInformer,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { eventually, summary, useContract, watch, WAIT_MS } from './test-support/contract.js';

const contract = useContract();

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const configMaps = (ns: string) => `/api/v1/namespaces/${ns}/configmaps`;
// Every ConfigMap a test creates carries this label and watches select it: a real cluster also
// publishes kube-root-ca.crt into new namespaces, at a moment no test controls.
const WATCHED = 'contract=watch';

async function createConfigMap(
  ns: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<V1ConfigMap> {
  return contract.core.createNamespacedConfigMap({
    namespace: ns,
    body: { metadata: { name, labels: { contract: 'watch', ...labels } }, data: { n: name } },
  });
}

function watchConfigMaps(ns: string, query: Record<string, string> = {}) {
  return watch(contract.kc, configMaps(ns), { labelSelector: WATCHED, ...query });
}

describe('checklist 5: watch', () => {
  it('checklist 5: watch headers arrive before any event (client-node awaits them)', async () => {
    const ns = await contract.namespace();
    const list = await contract.core.listNamespacedConfigMap({ namespace: ns });
    const started = new Watch(contract.kc).watch(
      configMaps(ns),
      { resourceVersion: String(list.metadata?.resourceVersion) },
      () => undefined,
      () => undefined,
    );
    const timeout = new Promise<'timeout'>((resolve) =>
      setTimeout(() => resolve('timeout'), WAIT_MS).unref(),
    );
    const controller = await Promise.race([started, timeout]);
    expect(controller).toBeInstanceOf(AbortController);
    (controller as AbortController).abort();
  });

  it('checklist 5: one event per line with the full object each write returned', async () => {
    const ns = await contract.namespace();
    const events = await watchConfigMaps(ns, {
      resourceVersion: String(
        (await contract.core.listNamespacedConfigMap({ namespace: ns })).metadata?.resourceVersion,
      ),
    });
    const names = Array.from({ length: 20 }, (_, i) => `c${i}`);
    const created = await Promise.all(names.map((name) => createConfigMap(ns, name)));
    const received = await events.take(names.length);
    expect(received.map((e) => e.type)).toEqual(names.map(() => 'ADDED'));
    expect(received.map((e) => e.object.metadata?.name).sort()).toEqual([...names].sort());
    for (const event of received) {
      expect(event.object).toMatchObject({
        kind: 'ConfigMap',
        apiVersion: 'v1',
        data: { n: event.object.metadata?.name },
      });
    }
    // Events carry the resourceVersions the writes returned.
    const byName = new Map(created.map((c) => [c.metadata?.name, c.metadata?.resourceVersion]));
    for (const event of received)
      expect(event.object.metadata?.resourceVersion).toBe(byName.get(event.object.metadata?.name));
  });

  it('checklist 5: a watch from resourceVersion N replays only changes after N', async () => {
    const ns = await contract.namespace();
    const a = await createConfigMap(ns, 'a');
    await createConfigMap(ns, 'b');
    await contract.core.patchNamespacedConfigMap(
      { namespace: ns, name: 'a', body: { data: { n: 'a2' } } },
      merge,
    );
    const events = await watchConfigMaps(ns, { resourceVersion: String(a.metadata?.resourceVersion) });
    expect((await events.take(2)).map(summary)).toEqual(['ADDED b', 'MODIFIED a']);
  });

  it('checklist 5: without a resourceVersion, or with "0", the watch starts with an ADDED per object', async () => {
    const ns = await contract.namespace();
    await createConfigMap(ns, 'a');
    await createConfigMap(ns, 'b');
    for (const query of [{}, { resourceVersion: '0' }] as Record<string, string>[]) {
      const events = await watchConfigMaps(ns, query);
      const initial = await events.take(2);
      expect(initial.map(summary).sort()).toEqual(['ADDED a', 'ADDED b']);
      events.stop();
    }
    const events = await watchConfigMaps(ns);
    await events.take(2);
    await contract.core.patchNamespacedConfigMap(
      { namespace: ns, name: 'b', body: { data: { n: 'b2' } } },
      merge,
    );
    expect(summary(await events.next())).toBe('MODIFIED b');
  });

  it('checklist 5: DELETED carries the last state with the deletion resourceVersion', async () => {
    const ns = await contract.namespace();
    const cm = await createConfigMap(ns, 'gone');
    const events = await watchConfigMaps(ns, { resourceVersion: String(cm.metadata?.resourceVersion) });
    await contract.core.deleteNamespacedConfigMap({ namespace: ns, name: 'gone' });
    const deleted = await events.next('DELETED');
    expect(summary(deleted)).toBe('DELETED gone');
    expect(deleted.object.data).toEqual({ n: 'gone' });
    expect(deleted.object.metadata?.resourceVersion).not.toBe(cm.metadata?.resourceVersion);
  });

  it('checklist 5: objects entering a label selector are ADDED, leaving it DELETED', async () => {
    const ns = await contract.namespace();
    const list = await contract.core.listNamespacedConfigMap({ namespace: ns });
    const events = await watchConfigMaps(ns, {
      resourceVersion: String(list.metadata?.resourceVersion),
      labelSelector: 'tier=web',
    });
    await createConfigMap(ns, 'x');
    await contract.core.patchNamespacedConfigMap(
      { namespace: ns, name: 'x', body: { metadata: { labels: { tier: 'web' } } } },
      merge,
    );
    await contract.core.patchNamespacedConfigMap(
      { namespace: ns, name: 'x', body: { data: { n: 'x2' } } },
      merge,
    );
    await contract.core.patchNamespacedConfigMap(
      { namespace: ns, name: 'x', body: { metadata: { labels: { tier: 'db' } } } },
      merge,
    );
    await createConfigMap(ns, 'marker', { tier: 'web' });
    const received = await events.take(4);
    expect(received.map(summary)).toEqual(['ADDED x', 'MODIFIED x', 'DELETED x', 'ADDED marker']);
    const left = received[2]?.object;
    expect(left?.data).toEqual({ n: 'x2' });
  });

  it('checklist 5: a resourceVersion older than the history gets ERROR 410 (or HTTP 410) and the stream ends', async () => {
    const ns = await contract.namespace();
    await createConfigMap(ns, 'a');
    const events = await watchConfigMaps(ns, { resourceVersion: '1' });
    const end = await events.ended();
    const httpStatus = (end.error as { statusCode?: number } | null)?.statusCode;
    if (httpStatus === undefined) {
      const errors = events.events.filter((e) => e.type === 'ERROR');
      expect(errors).toHaveLength(1);
      expect(errors[0]?.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
      expect(events.events.filter((e) => e.type !== 'ERROR' && e.type !== 'BOOKMARK')).toEqual([]);
    } else expect(httpStatus).toBe(410);
  });

  it('checklist 5: a list resourceVersion is the global one, so a watch of another resource resumes from it', async () => {
    const ns = await contract.namespace();
    await contract.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'before' } } });
    const list = await contract.core.listNamespacedConfigMap({ namespace: ns });
    expect(list.items).toEqual([]);
    const secrets = await watch(contract.kc, `/api/v1/namespaces/${ns}/secrets`, {
      resourceVersion: String(list.metadata?.resourceVersion),
    });
    await contract.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'after' } } });
    expect(summary(await secrets.next('the later secret'))).toBe('ADDED after');
  });

  it('checklist 5: a client-node informer lists, then follows adds, updates and deletes', async () => {
    const ns = await contract.namespace();
    await createConfigMap(ns, 'listed');
    const informer = makeInformer<V1ConfigMap>(
      contract.kc,
      configMaps(ns),
      () => contract.core.listNamespacedConfigMap({ namespace: ns, labelSelector: WATCHED }),
      WATCHED,
    );
    const seen: string[] = [];
    const errors: unknown[] = [];
    informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
    informer.on('update', (o) => seen.push(`update ${o.metadata?.name}`));
    informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
    informer.on('error', (e) => errors.push(e));
    await informer.start();
    try {
      await eventually(() => seen.includes('add listed'), 'the listed object');
      await createConfigMap(ns, 'live');
      await contract.core.patchNamespacedConfigMap(
        { namespace: ns, name: 'live', body: { data: { n: 'v2' } } },
        merge,
      );
      await contract.core.deleteNamespacedConfigMap({ namespace: ns, name: 'listed' });
      await eventually(() => seen.length === 4, 'four informer callbacks');
      expect(seen).toEqual(['add listed', 'add live', 'update live', 'delete listed']);
      expect(informer.list().map((o) => o.metadata?.name)).toEqual(['live']);
      expect(errors).toEqual([]);
    } finally {
      await informer.stop();
    }
  });
});
