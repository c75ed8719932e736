// Status and finalizer writes with a resourceVersion precondition and conflict retry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient } from '../kube/client.js';
import type { ApiObject } from '../kube/resource.js';
import {
  gitRepository,
  GIT_REPOSITORY,
  startKubeFixture,
  type KubeFixture,
} from '../test-support/kube-fixture.js';
import { setCondition } from './conditions.js';
import {
  applyStatusChanges,
  diffStatus,
  patchStatus,
  updateFinalizers,
  type PatchTarget,
} from './status-patch.js';
import type { FluxStatus } from './summary.js';

type Repo = ApiObject & { status?: FluxStatus };
const NOW = Date.UTC(2024, 4, 1, 12, 0, 0);

describe('diffStatus / applyStatusChanges', () => {
  it('re-applies only this reconcile’s changes on top of a newer status', () => {
    const ready = (message: string) =>
      setCondition(
        [],
        { type: 'Ready', status: 'True', reason: 'Succeeded', message },
        { generation: 1, now: NOW },
      );
    const before: FluxStatus = { observedGeneration: -1, artifact: { revision: 'a' }, url: 'old' };
    const desired: FluxStatus = {
      observedGeneration: 1,
      artifact: { revision: 'b' },
      conditions: ready('ok'),
    };
    const changes = diffStatus(before, desired);
    expect([...changes.fields.keys()].sort()).toEqual(['artifact', 'observedGeneration', 'url']);
    expect([...changes.conditionTypes]).toEqual(['Ready']);
    const newer: FluxStatus = {
      observedGeneration: -1,
      artifact: { revision: 'a' },
      url: 'old',
      otherWriter: true,
      conditions: setCondition(
        [],
        { type: 'Healthy', status: 'True', reason: 'Succeeded', message: 'h' },
        { generation: 1, now: NOW },
      ),
    };
    const merged = applyStatusChanges(newer, changes);
    expect(merged).toEqual({
      observedGeneration: 1,
      artifact: { revision: 'b' },
      otherWriter: true,
      conditions: [...ready('ok'), ...(newer.conditions ?? [])],
    });
  });
});

describe('patchStatus / updateFinalizers against the API server', () => {
  let kube: KubeFixture;
  let client: KubeClient;
  let ns: string;
  beforeAll(async () => {
    kube = await startKubeFixture();
    client = kube.client({ qps: 0 });
    ns = await kube.namespace();
  });
  afterAll(async () => kube.close());

  const target = (name: string, conflicts: number[] = []): PatchTarget => ({
    client,
    resource: GIT_REPOSITORY,
    namespace: ns,
    name,
    onConflict: () => conflicts.push(1),
  });

  it('writes the status with the read resourceVersion as precondition, retrying a conflict on the fresh object', async () => {
    const base = await client.create<Repo>(GIT_REPOSITORY, gitRepository(ns, 'conflict'));
    // Another writer changes the object after `base` was read: metadata and a status field.
    await client.patch(
      GIT_REPOSITORY,
      { namespace: ns, name: 'conflict' },
      { metadata: { labels: { touched: 'yes' } } },
    );
    await client.patch(
      GIT_REPOSITORY,
      { namespace: ns, name: 'conflict' },
      { status: { observedIgnore: 'by-someone-else' } },
      { subresource: 'status' },
    );
    const conflicts: number[] = [];
    const desired: FluxStatus = {
      ...(base.status ?? {}),
      observedGeneration: 1,
      conditions: setCondition(
        [],
        { type: 'Ready', status: 'True', reason: 'Succeeded', message: 'ok' },
        { generation: 1, now: NOW },
      ),
    };
    const stored = await patchStatus(target('conflict', conflicts), base, desired);
    expect(conflicts).toHaveLength(1);
    expect(stored.status).toMatchObject({ observedGeneration: 1, observedIgnore: 'by-someone-else' });
    expect(stored.status?.conditions?.map((c) => c.type)).toEqual(['Ready']);
    expect(stored.metadata?.labels).toEqual({ touched: 'yes' });
  });

  it('skips the request when nothing changed', async () => {
    const base = await client.create<Repo>(GIT_REPOSITORY, gitRepository(ns, 'same'));
    const stored = await patchStatus(target('same'), base, { ...(base.status ?? {}) });
    expect(stored).toBe(base);
  });

  it('gives up after maxAttempts conflicts with the Conflict error', async () => {
    const base = await client.create<Repo>(GIT_REPOSITORY, gitRepository(ns, 'busy'));
    let writes = 0;
    const busy: PatchTarget = {
      ...target('busy'),
      maxAttempts: 2,
      // Every re-read is followed by yet another foreign write.
      onConflict: () => void 0,
      client: new Proxy(client, {
        get(object, property, receiver) {
          if (property === 'get')
            return async (...args: Parameters<KubeClient['get']>) => {
              const fresh = await object.get(...args);
              await object.patch(
                GIT_REPOSITORY,
                { namespace: ns, name: 'busy' },
                { metadata: { labels: { n: String(++writes) } } },
              );
              return fresh;
            };
          return Reflect.get(object, property, receiver);
        },
      }),
    };
    await client.patch(GIT_REPOSITORY, { namespace: ns, name: 'busy' }, { metadata: { labels: { n: '0' } } });
    await expect(patchStatus(busy, base, { observedGeneration: 1 })).rejects.toMatchObject({
      status: 409,
      reason: 'Conflict',
    });
    expect(writes).toBe(1);
  });

  it('adds and removes finalizers with conflict retry; removing the last one from a deleted object deletes it', async () => {
    const base = await client.create<Repo>(
      GIT_REPOSITORY,
      gitRepository(ns, 'fin', {}, { finalizers: ['other.io/keep'] }),
    );
    await client.patch(GIT_REPOSITORY, { namespace: ns, name: 'fin' }, { metadata: { labels: { a: 'b' } } });
    const conflicts: number[] = [];
    const added = await updateFinalizers(target('fin', conflicts), base, (list) => [
      ...list,
      'finalizers.fluxcd.io',
    ]);
    expect(conflicts).toHaveLength(1);
    expect(added?.metadata?.finalizers).toEqual(['other.io/keep', 'finalizers.fluxcd.io']);
    await client.delete(GIT_REPOSITORY, { namespace: ns, name: 'fin' });
    const deleting = await client.get<Repo>(GIT_REPOSITORY, ns, 'fin');
    expect(deleting.metadata?.deletionTimestamp).toBeTruthy();
    const remaining = await updateFinalizers(target('fin'), deleting, (list) =>
      list.filter((f) => f !== 'finalizers.fluxcd.io'),
    );
    expect(remaining?.metadata?.finalizers).toEqual(['other.io/keep']);
    const gone = await updateFinalizers(target('fin'), remaining as Repo, () => []);
    expect(gone).toBeUndefined();
    await expect(client.get(GIT_REPOSITORY, ns, 'fin')).rejects.toMatchObject({ status: 404 });
  });
});
