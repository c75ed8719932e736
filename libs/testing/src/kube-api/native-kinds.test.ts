// Server defaults and rules of built-in kinds that appliers diff against and kstatus reads (kube-api.md §8).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeApi, type KubeApiServer } from './server.js';
import { deployment } from './test-support/fixtures.js';
import { RawClient, uniqueName } from './test-support/raw-client.js';

let server: KubeApiServer;
let raw: RawClient;
let ns: string;
beforeAll(async () => {
  server = await startKubeApi();
  raw = new RawClient(server);
  ns = uniqueName('n');
  await raw.post('/api/v1/namespaces', { metadata: { name: ns } });
});
afterAll(async () => {
  raw.closeAll();
  await server.close();
});

const podSpec = {
  containers: [
    { name: 'c', image: 'busybox' },
    { name: 'd', image: 'nginx:1.27', ports: [{ containerPort: 80 }] },
  ],
};

describe('defaults', () => {
  it('Deployment: replicas, strategy, history, progress deadline and pod template defaults', async () => {
    const spec = deployment('d').spec as Record<string, unknown>;
    delete spec.replicas;
    const body = (await raw.post(`/apis/apps/v1/namespaces/${ns}/deployments`, { ...deployment('d'), spec }))
      .body;
    expect(body.spec).toMatchObject({
      replicas: 1,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    });
    expect(body.spec.template.spec).toMatchObject({
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      securityContext: {},
    });
    expect(body.spec.template.spec.containers[0]).toMatchObject({
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      imagePullPolicy: 'IfNotPresent',
    });
  });

  it('Pod: imagePullPolicy Always for untagged/latest, port protocol TCP, phase Pending', async () => {
    const body = (await raw.post(`/api/v1/namespaces/${ns}/pods`, { metadata: { name: 'p' }, spec: podSpec }))
      .body;
    expect(body.spec.containers[0].imagePullPolicy).toBe('Always');
    expect(body.spec.containers[1].imagePullPolicy).toBe('IfNotPresent');
    expect(body.spec.containers[1].ports[0].protocol).toBe('TCP');
    expect(body.status.phase).toBe('Pending');
  });

  it('StatefulSet, DaemonSet and Job defaults; Job gets a generated selector and labels', async () => {
    const template = { metadata: { labels: { app: 'x' } }, spec: podSpec };
    const sts = (
      await raw.post(`/apis/apps/v1/namespaces/${ns}/statefulsets`, {
        metadata: { name: 's' },
        spec: { selector: { matchLabels: { app: 'x' } }, template },
      })
    ).body;
    expect(sts.spec).toMatchObject({
      replicas: 1,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
    });
    const ds = (
      await raw.post(`/apis/apps/v1/namespaces/${ns}/daemonsets`, {
        metadata: { name: 'd' },
        spec: { selector: { matchLabels: { app: 'x' } }, template },
      })
    ).body;
    expect(ds.spec.updateStrategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
    });
    const job = (
      await raw.post(`/apis/batch/v1/namespaces/${ns}/jobs`, {
        metadata: { name: 'j' },
        spec: { template: { spec: { ...podSpec, restartPolicy: 'Never' } } },
      })
    ).body;
    expect(job.spec).toMatchObject({
      backoffLimit: 6,
      completions: 1,
      parallelism: 1,
      completionMode: 'NonIndexed',
      suspend: false,
    });
    expect(job.spec.selector.matchLabels['batch.kubernetes.io/controller-uid']).toBe(job.metadata.uid);
    expect(job.spec.template.metadata.labels).toMatchObject({
      'batch.kubernetes.io/job-name': 'j',
      'batch.kubernetes.io/controller-uid': job.metadata.uid,
    });
    const badRestart = await raw.post(`/apis/batch/v1/namespaces/${ns}/jobs`, {
      metadata: { name: 'k' },
      spec: { template: { spec: podSpec } },
    });
    expect(badRestart.status).toBe(422);
    const changed = await raw.put(`/apis/batch/v1/namespaces/${ns}/jobs/j`, {
      ...job,
      spec: {
        ...job.spec,
        template: { ...job.spec.template, spec: { ...job.spec.template.spec, activeDeadlineSeconds: 5 } },
      },
    });
    expect(changed.status).toBe(422);
  });

  it('Service: ClusterIP allocated and kept, port defaults, NodePort allocation; clusterIP is immutable', async () => {
    const svc = (
      await raw.post(`/api/v1/namespaces/${ns}/services`, {
        metadata: { name: 'svc' },
        spec: { selector: { app: 'x' }, ports: [{ port: 80 }] },
      })
    ).body;
    expect(svc.spec).toMatchObject({
      type: 'ClusterIP',
      sessionAffinity: 'None',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
    });
    expect(svc.spec.clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(svc.spec.clusterIPs).toEqual([svc.spec.clusterIP]);
    expect(svc.spec.ports[0]).toEqual({ port: 80, protocol: 'TCP', targetPort: 80 });
    const { clusterIP: _ip, clusterIPs: _ips, ...withoutIp } = svc.spec;
    const kept = await raw.put(`/api/v1/namespaces/${ns}/services/svc`, { ...svc, spec: withoutIp });
    expect(kept.body.spec.clusterIP).toBe(svc.spec.clusterIP);
    const moved = await raw.put(`/api/v1/namespaces/${ns}/services/svc`, {
      ...svc,
      spec: { ...svc.spec, clusterIP: '10.0.0.99', clusterIPs: ['10.0.0.99'] },
    });
    expect(moved.status).toBe(422);
    const np = (
      await raw.post(`/api/v1/namespaces/${ns}/services`, {
        metadata: { name: 'np' },
        spec: { type: 'NodePort', ports: [{ port: 80 }] },
      })
    ).body;
    expect(np.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    expect(np.spec.ports[0].nodePort).toBeLessThanOrEqual(32767);
    expect(np.spec.externalTrafficPolicy).toBe('Cluster');
  });

  it('Secret: type Opaque, stringData merged into data and never returned; bad base64 is 400', async () => {
    const secret = await raw.post(`/api/v1/namespaces/${ns}/secrets`, {
      metadata: { name: 's' },
      data: { a: Buffer.from('x').toString('base64') },
      stringData: { a: 'wins', b: 'two' },
    });
    expect(secret.body.type).toBe('Opaque');
    expect(secret.body.stringData).toBeUndefined();
    expect(Buffer.from(secret.body.data.a, 'base64').toString()).toBe('wins');
    expect(Buffer.from(secret.body.data.b, 'base64').toString()).toBe('two');
    const bad = await raw.post(`/api/v1/namespaces/${ns}/secrets`, {
      metadata: { name: 'bad' },
      data: { a: '!!!' },
    });
    expect(bad.status).toBe(400);
    const tls = await raw.post(`/api/v1/namespaces/${ns}/secrets`, {
      metadata: { name: 'tls' },
      type: 'kubernetes.io/tls',
      data: {},
    });
    expect(tls.status).toBe(422);
  });

  it('metav1.Time fields accept fractions and come back in whole seconds', async () => {
    await raw.post(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('t'));
    const status = await raw.patch(
      `/apis/apps/v1/namespaces/${ns}/deployments/t/status`,
      {
        status: {
          conditions: [
            {
              type: 'Available',
              status: 'True',
              lastTransitionTime: '2024-05-01T12:00:00.000Z',
              lastUpdateTime: '2024-05-01T12:00:00.123Z',
            },
          ],
        },
      },
      'application/merge-patch+json',
    );
    expect(status.body.status.conditions[0].lastTransitionTime).toBe('2024-05-01T12:00:00Z');
    expect(status.body.status.conditions[0].lastUpdateTime).toBe('2024-05-01T12:00:00Z');
  });

  it('Lease MicroTime fields keep six fraction digits; leader election is GET then PUT with the RV', async () => {
    const lease = await raw.post(`/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`, {
      metadata: { name: 'leader' },
      spec: {
        holderIdentity: 'a',
        leaseDurationSeconds: 15,
        acquireTime: '2024-05-01T12:00:00.123456Z',
        renewTime: '2024-05-01T12:00:00.123456Z',
      },
    });
    expect(lease.body.spec.renewTime).toBe('2024-05-01T12:00:00.123456Z');
    const takeover = await raw.put(`/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/leader`, {
      ...lease.body,
      spec: { ...lease.body.spec, holderIdentity: 'b' },
    });
    expect(takeover.status).toBe(200);
    const lost = await raw.put(`/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/leader`, {
      ...lease.body,
      spec: { ...lease.body.spec, holderIdentity: 'c' },
    });
    expect(lost.status).toBe(409);
  });

  it('Deployment selectors are required and must match the template labels', async () => {
    const noSelector = deployment('n');
    delete (noSelector.spec as Record<string, unknown>).selector;
    const missing = await raw.post(`/apis/apps/v1/namespaces/${ns}/deployments`, noSelector);
    expect(missing.status).toBe(422);
    expect(missing.body.details.causes[0]).toMatchObject({
      reason: 'FieldValueRequired',
      field: 'spec.selector',
    });
    const mismatched = deployment('m', { selector: { matchLabels: { app: 'other' } } });
    expect((await raw.post(`/apis/apps/v1/namespaces/${ns}/deployments`, mismatched)).status).toBe(422);
  });

  it('RoleBinding roleRef is immutable; events.k8s.io Events need their required fields', async () => {
    const rb = (
      await raw.post(`/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
        metadata: { name: 'rb' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
        subjects: [{ kind: 'User', name: 'alice' }],
      })
    ).body;
    const changed = await raw.put(`/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings/rb`, {
      ...rb,
      roleRef: { ...rb.roleRef, name: 'edit' },
    });
    expect(changed.status).toBe(422);
    const event = await raw.post(`/apis/events.k8s.io/v1/namespaces/${ns}/events`, {
      metadata: { name: 'e' },
      note: 'x',
    });
    expect(event.status).toBe(422);
  });

  it('Pod field selectors on spec.nodeName and status.phase', async () => {
    await raw.post(`/api/v1/namespaces/${ns}/pods`, {
      metadata: { name: 'bound' },
      spec: { ...podSpec, nodeName: 'node-1' },
    });
    const list = await raw.get(
      `/api/v1/namespaces/${ns}/pods?fieldSelector=spec.nodeName%3Dnode-1,status.phase%3DPending`,
    );
    expect(list.body.items.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(['bound']);
  });

  it('node-bound Pods delete gracefully; unbound ones (or grace 0) at once; Pod deletes reply with the object', async () => {
    const pods = `/api/v1/namespaces/${ns}/pods`;
    await raw.post(pods, { metadata: { name: 'unbound' }, spec: podSpec });
    const unbound = await raw.delete(`${pods}/unbound`);
    expect(unbound.body.kind).toBe('Pod');
    expect((await raw.get(`${pods}/unbound`)).status).toBe(404);
    await raw.post(pods, { metadata: { name: 'onnode' }, spec: { ...podSpec, nodeName: 'node-1' } });
    const graceful = await raw.delete(`${pods}/onnode`);
    expect(graceful.body.metadata.deletionGracePeriodSeconds).toBe(30);
    expect((await raw.get(`${pods}/onnode`)).status).toBe(200);
    await raw.delete(`${pods}/onnode?gracePeriodSeconds=0`);
    expect((await raw.get(`${pods}/onnode`)).status).toBe(404);
  });
});
