// Checklist 1: every reply is JSON (client-node refuses bodies without a Content-Type), and every
// failure is a Status object whose code, reason and details the callers parse.
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { failure, useContract, watch, type Failure } from './test-support/contract.js';

const contract = useContract();

function expectStatus(failed: Failure, code: number, reason: string): void {
  expect(failed.code).toBe(code);
  expect(failed.contentType).toMatch(/^application\/json/);
  expect(failed.status).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason });
}

/** The target's cluster with a bearer token no server can know. */
function withBogusToken(kc: KubeConfig): KubeConfig {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  const bogus = new KubeConfig();
  bogus.loadFromOptions({
    clusters: [cluster],
    users: [{ name: 'bogus', token: 'flotilla-contract-not-a-valid-token' }],
    contexts: [{ name: 'bogus', cluster: cluster.name, user: 'bogus' }],
    currentContext: 'bogus',
  });
  return bogus;
}

describe('checklist 1: JSON Content-Type and Status errors everywhere', () => {
  it('checklist 1: successful reads, lists and writes are application/json', async () => {
    const ns = await contract.namespace();
    const created = await contract.core.createNamespacedConfigMapWithHttpInfo({
      namespace: ns,
      body: { metadata: { name: 'c' }, data: { a: '1' } },
    });
    const read = await contract.core.readNamespacedConfigMapWithHttpInfo({ namespace: ns, name: 'c' });
    const list = await contract.core.listNamespacedConfigMapWithHttpInfo({ namespace: ns });
    const discovery = await contract.core.getAPIResourcesWithHttpInfo();
    for (const reply of [created, read, list, discovery]) {
      expect(reply.headers['content-type']).toMatch(/^application\/json/);
    }
    expect(created.httpStatusCode).toBe(201);
    expect(list.data.items.map((i) => i.metadata?.name)).toContain('c');
  });

  it('checklist 1: missing objects and unknown resources are 404 NotFound Status objects', async () => {
    const ns = await contract.namespace();
    const missing = await failure(contract.core.readNamespacedConfigMap({ namespace: ns, name: 'absent' }));
    expectStatus(missing, 404, 'NotFound');
    expect(missing.status?.details).toMatchObject({ name: 'absent', kind: 'configmaps' });
    expect(missing.status?.details?.group).toBeUndefined();

    const grouped = await failure(contract.apps.readNamespacedDeployment({ namespace: ns, name: 'absent' }));
    expectStatus(grouped, 404, 'NotFound');
    expect(grouped.status?.details).toMatchObject({ name: 'absent', group: 'apps', kind: 'deployments' });

    const unknown = await failure(
      contract.custom.listNamespacedCustomObject({
        group: 'nothing.contract.flotilla.dev',
        version: 'v1',
        namespace: ns,
        plural: 'things',
      }),
    );
    expectStatus(unknown, 404, 'NotFound');
  });

  it('checklist 1: duplicates, invalid objects and bad selectors are 409, 422 and 400 Status objects', async () => {
    const ns = await contract.namespace();
    await contract.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'dup' } } });
    const duplicate = await failure(
      contract.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'dup' } } }),
    );
    expectStatus(duplicate, 409, 'AlreadyExists');
    expect(duplicate.status?.details).toMatchObject({ name: 'dup', kind: 'configmaps' });

    const nameless = await failure(
      contract.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: {} } }),
    );
    expectStatus(nameless, 422, 'Invalid');
    expect(nameless.status?.details?.kind).toBe('ConfigMap');
    expect(nameless.status?.details?.causes).toContainEqual(
      expect.objectContaining({ reason: 'FieldValueRequired', field: 'metadata.name' }),
    );

    const selector = await failure(
      contract.core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'a in (' }),
    );
    expectStatus(selector, 400, 'BadRequest');
  });

  it('checklist 1: a bad bearer token is 401 with a JSON reply', async () => {
    const bogus = withBogusToken(contract.kc).makeApiClient(CoreV1Api);
    const unauthorized = await failure(bogus.listNamespace());
    expect(unauthorized.code).toBe(401);
    expect(unauthorized.contentType).toMatch(/^application\/json/);
  });

  it('checklist 1: a bad watch request fails with an HTTP status instead of a stream', async () => {
    const ns = await contract.namespace();
    const recorder = await watch(contract.kc, `/api/v1/namespaces/${ns}/configmaps`, {
      labelSelector: 'a in (',
    });
    const end = await recorder.ended();
    expect((end.error as { statusCode?: number }).statusCode).toBe(400);
    expect(recorder.events).toEqual([]);
  });
});
