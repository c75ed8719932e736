// Checklist 7: finalizer lifecycle. DELETE on an object with finalizers only marks it (MODIFIED),
// new finalizers are refused (422), re-creating the name is 409, and only the write removing the last
// finalizer deletes it (DELETED).
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { causeFields, failure, summary, useContract, watch } from './test-support/contract.js';

const contract = useContract();

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const HOLD = 'contract.flotilla.dev/hold';
const KEEP = 'contract.flotilla.dev/keep';
const WATCHED = { contract: 'finalizers' };

describe('checklist 7: finalizer lifecycle', () => {
  it('checklist 7: delete marks, new finalizers are 422, re-create is 409, the last removal deletes', async () => {
    const ns = await contract.namespace();
    const target = { namespace: ns, name: 'held' };
    const created = await contract.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'held', labels: WATCHED, finalizers: [HOLD, KEEP] }, data: { a: '1' } },
    });
    // Selected by label: a real cluster also publishes kube-root-ca.crt into new namespaces.
    const events = await watch(contract.kc, `/api/v1/namespaces/${ns}/configmaps`, {
      resourceVersion: String(created.metadata?.resourceVersion),
      labelSelector: 'contract=finalizers',
    });

    await contract.core.deleteNamespacedConfigMap(target);
    const marked = await contract.core.readNamespacedConfigMap(target);
    expect(marked.metadata?.deletionTimestamp).toBeDefined();
    expect(marked.metadata?.finalizers).toEqual([HOLD, KEEP]);
    const modified = await events.next('MODIFIED on delete');
    expect(summary(modified)).toBe('MODIFIED held');
    expect(modified.object.metadata?.deletionTimestamp).toBeDefined();

    // A repeated DELETE changes nothing.
    await contract.core.deleteNamespacedConfigMap(target);
    expect((await contract.core.readNamespacedConfigMap(target)).metadata?.resourceVersion).toBe(
      marked.metadata?.resourceVersion,
    );

    const added = await failure(
      contract.core.patchNamespacedConfigMap(
        { ...target, body: { metadata: { finalizers: [HOLD, KEEP, 'contract.flotilla.dev/late'] } } },
        merge,
      ),
    );
    expect([added.code, added.status?.reason]).toEqual([422, 'Invalid']);
    expect(causeFields(added)).toContain('metadata.finalizers');

    const recreate = await failure(
      contract.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'held' } } }),
    );
    expect([recreate.code, recreate.status?.reason]).toEqual([409, 'AlreadyExists']);

    // Terminating objects still accept other updates.
    await contract.core.patchNamespacedConfigMap({ ...target, body: { data: { a: '2' } } }, merge);
    await contract.core.patchNamespacedConfigMap(
      { ...target, body: { metadata: { finalizers: [KEEP] } } },
      merge,
    );
    expect((await contract.core.readNamespacedConfigMap(target)).metadata?.finalizers).toEqual([KEEP]);
    await contract.core.patchNamespacedConfigMap(
      { ...target, body: { metadata: { finalizers: [] } } },
      merge,
    );
    expect((await failure(contract.core.readNamespacedConfigMap(target))).code).toBe(404);

    const rest = await events.take(3);
    expect(rest.map(summary)).toEqual(['MODIFIED held', 'MODIFIED held', 'DELETED held']);
    expect(rest[2]?.object.data).toEqual({ a: '2' });

    const again = await contract.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'held' } },
    });
    expect(again.metadata?.uid).not.toBe(created.metadata?.uid);
  });

  it('checklist 7: deletionTimestamp cannot be cleared and objects without finalizers go at once', async () => {
    const ns = await contract.namespace();
    await contract.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'held', finalizers: [HOLD] } },
    });
    await contract.core.deleteNamespacedConfigMap({ namespace: ns, name: 'held' });
    const cleared = await contract.core.patchNamespacedConfigMap(
      { namespace: ns, name: 'held', body: { metadata: { deletionTimestamp: null } } },
      merge,
    );
    expect(cleared.metadata?.deletionTimestamp).toBeDefined();
    await contract.core.patchNamespacedConfigMap(
      { namespace: ns, name: 'held', body: { metadata: { finalizers: null } } },
      merge,
    );

    await contract.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'free' } } });
    await contract.core.deleteNamespacedConfigMap({ namespace: ns, name: 'free' });
    expect((await failure(contract.core.readNamespacedConfigMap({ namespace: ns, name: 'free' }))).code).toBe(
      404,
    );
  });
});
