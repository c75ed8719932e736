// Checklist 10 (namespaces and built-ins): namespace rules, and the server defaults and immutable
// fields that kstatus and appliers' diffs read. Workloads are created with dryRun=All so a real
// cluster's controllers start nothing.
import {
  PatchStrategy,
  setHeaderOptions,
  type V1Container,
  type V1DaemonSet,
  type V1Deployment,
  type V1Job,
  type V1PodTemplateSpec,
  type V1StatefulSet,
} from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { causeFields, eventually, failure, uniqueName, useContract } from './test-support/contract.js';
import { idleDeployment } from './test-support/workloads.js';

const contract = useContract();

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const DRY_RUN = 'All';
const HOLD = 'contract.flotilla.dev/hold';

function template(app: string, containers: V1Container[]): V1PodTemplateSpec {
  return { metadata: { labels: { app } }, spec: { containers } };
}

describe('checklist 10: namespace rules', () => {
  it('checklist 10: a new namespace has its name label, the kubernetes finalizer and phase Active', async () => {
    const name = await contract.namespace();
    const ns = await contract.core.readNamespace({ name });
    expect(ns.metadata?.labels).toMatchObject({ 'kubernetes.io/metadata.name': name });
    expect(ns.spec?.finalizers).toEqual(['kubernetes']);
    expect(ns.status?.phase).toBe('Active');
  });

  it('checklist 10: creating in a missing namespace is 404; a body namespace unlike the URL is 400', async () => {
    const missing = await failure(
      contract.core.createNamespacedConfigMap({
        namespace: uniqueName('absent'),
        body: { metadata: { name: 'c' } },
      }),
    );
    expect([missing.code, missing.status?.reason]).toEqual([404, 'NotFound']);
    const ns = await contract.namespace();
    const mismatch = await failure(
      contract.core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: 'c', namespace: 'default' } },
      }),
    );
    expect([mismatch.code, mismatch.status?.reason]).toEqual([400, 'BadRequest']);
  });

  it('checklist 10: a terminating namespace refuses new objects with 403 NamespaceTerminating', async () => {
    const ns = await contract.namespace();
    // The finalizer keeps the namespace Terminating until the test releases it.
    await contract.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'held', finalizers: [HOLD] } },
    });
    await contract.core.deleteNamespace({ name: ns });
    try {
      expect((await contract.core.readNamespace({ name: ns })).status?.phase).toBe('Terminating');
      const refused = await eventually(async () => {
        const failed = await failure(
          contract.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'new' } } }),
        );
        return failed.code === 403 && failed;
      }, 'the namespace to refuse creates');
      expect(refused.status?.reason).toBe('Forbidden');
      expect(refused.status?.details?.causes).toContainEqual(
        expect.objectContaining({ reason: 'NamespaceTerminating', field: 'metadata.namespace' }),
      );
    } finally {
      await contract.core.patchNamespacedConfigMap(
        { namespace: ns, name: 'held', body: { metadata: { finalizers: null } } },
        merge,
      );
    }
  });
});

describe('checklist 10: server defaults read by kstatus and diffing', () => {
  it('checklist 10: Deployment and pod template defaults', async () => {
    const ns = await contract.namespace();
    const body: V1Deployment = {
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: template('web', [
          { name: 'web', image: 'nginx:1.27' },
          { name: 'latest', image: 'busybox:latest' },
          { name: 'untagged', image: 'busybox' },
        ]),
      },
    };
    const created = await contract.apps.createNamespacedDeployment({ namespace: ns, body, dryRun: DRY_RUN });
    expect(created.spec).toMatchObject({
      replicas: 1,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
    });
    const pod = created.spec?.template.spec;
    expect(pod).toMatchObject({
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      securityContext: {},
    });
    expect(pod?.containers.map((c) => [c.name, c.imagePullPolicy])).toEqual([
      ['web', 'IfNotPresent'],
      ['latest', 'Always'],
      ['untagged', 'Always'],
    ]);
    expect(pod?.containers[0]).toMatchObject({
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
    });
    expect((await failure(contract.apps.readNamespacedDeployment({ namespace: ns, name: 'web' }))).code).toBe(
      404,
    );
  });

  it('checklist 10: StatefulSet, DaemonSet and Job defaults', async () => {
    const ns = await contract.namespace();
    const containers = [{ name: 'c', image: 'busybox:1.36' }];
    const sts: V1StatefulSet = {
      metadata: { name: 'db' },
      spec: {
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: template('db', containers),
      },
    };
    const createdSts = await contract.apps.createNamespacedStatefulSet({
      namespace: ns,
      body: sts,
      dryRun: DRY_RUN,
    });
    expect(createdSts.spec).toMatchObject({
      replicas: 1,
      podManagementPolicy: 'OrderedReady',
      revisionHistoryLimit: 10,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
    });

    const ds: V1DaemonSet = {
      metadata: { name: 'agent' },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: template('agent', containers) },
    };
    const createdDs = await contract.apps.createNamespacedDaemonSet({
      namespace: ns,
      body: ds,
      dryRun: DRY_RUN,
    });
    expect(createdDs.spec?.updateStrategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
    });

    const job: V1Job = {
      metadata: { name: 'once' },
      spec: { template: { spec: { restartPolicy: 'Never', containers } } },
    };
    const createdJob = await contract.batch.createNamespacedJob({
      namespace: ns,
      body: job,
      dryRun: DRY_RUN,
    });
    expect(createdJob.spec).toMatchObject({
      backoffLimit: 6,
      completions: 1,
      parallelism: 1,
      completionMode: 'NonIndexed',
      suspend: false,
    });
    expect(Object.keys(createdJob.spec?.selector?.matchLabels ?? {})).toContain(
      'batch.kubernetes.io/controller-uid',
    );
    expect(createdJob.spec?.template.metadata?.labels).toMatchObject({
      'batch.kubernetes.io/job-name': 'once',
    });
  });

  it('checklist 10: Service defaults and allocations', async () => {
    const ns = await contract.namespace();
    const clusterIp = await contract.core.createNamespacedService({
      namespace: ns,
      body: {
        metadata: { name: 'web' },
        spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 8080 }] },
      },
    });
    expect(clusterIp.spec).toMatchObject({
      type: 'ClusterIP',
      sessionAffinity: 'None',
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
    });
    expect(clusterIp.spec?.clusterIP).toBeTruthy();
    expect(clusterIp.spec?.clusterIPs).toEqual([clusterIp.spec?.clusterIP]);
    expect(clusterIp.spec?.ipFamilies).toHaveLength(1);
    expect(clusterIp.spec?.ports?.[0]).toMatchObject({ protocol: 'TCP', targetPort: 8080 });

    const nodePort = await contract.core.createNamespacedService({
      namespace: ns,
      body: {
        metadata: { name: 'edge' },
        spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80 }] },
      },
    });
    expect(nodePort.spec?.externalTrafficPolicy).toBe('Cluster');
    expect(nodePort.spec?.ports?.[0]?.nodePort).toBeGreaterThan(0);
  });

  it('checklist 10: Secret type defaults to Opaque, stringData merges into data (and wins), bad base64 is 400', async () => {
    const ns = await contract.namespace();
    const secret = await contract.core.createNamespacedSecret({
      namespace: ns,
      body: {
        metadata: { name: 's' },
        data: { a: Buffer.from('from-data').toString('base64'), b: Buffer.from('kept').toString('base64') },
        stringData: { a: 'from-stringData' },
      },
    });
    expect(secret.type).toBe('Opaque');
    expect(secret.stringData).toBeUndefined();
    const decoded = Object.fromEntries(
      Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
    );
    expect(decoded).toEqual({ a: 'from-stringData', b: 'kept' });
    const badBase64 = await failure(
      contract.core.createNamespacedSecret({
        namespace: ns,
        body: { metadata: { name: 'bad' }, data: { a: '%%%' } },
      }),
    );
    expect([badBase64.code, badBase64.status?.reason]).toEqual([400, 'BadRequest']);
    const tls = await failure(
      contract.core.createNamespacedSecret({
        namespace: ns,
        body: { metadata: { name: 'tls' }, type: 'kubernetes.io/tls' },
      }),
    );
    expect([tls.code, tls.status?.reason]).toEqual([422, 'Invalid']);
  });

  it('checklist 10: immutable fields are 422 (appliers recreate instead)', async () => {
    const ns = await contract.namespace();
    await contract.apps.createNamespacedDeployment({
      namespace: ns,
      body: idleDeployment('web', [{ name: 'w', image: 'nginx:1.27' }]),
    });
    const selector = await failure(
      contract.apps.patchNamespacedDeployment(
        {
          namespace: ns,
          name: 'web',
          body: {
            spec: {
              selector: { matchLabels: { app: 'web', tier: 'x' } },
              template: { metadata: { labels: { app: 'web', tier: 'x' } } },
            },
          },
        },
        merge,
      ),
    );
    expect([selector.code, selector.status?.reason]).toEqual([422, 'Invalid']);
    expect(causeFields(selector)).toContain('spec.selector');

    await contract.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'frozen' }, data: { a: '1' }, immutable: true },
    });
    const frozen = await failure(
      contract.core.patchNamespacedConfigMap(
        { namespace: ns, name: 'frozen', body: { data: { a: '2' } } },
        merge,
      ),
    );
    expect([frozen.code, frozen.status?.reason]).toEqual([422, 'Invalid']);
    await contract.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 's' } } });
    const retyped = await failure(
      contract.core.patchNamespacedSecret(
        { namespace: ns, name: 's', body: { type: 'example.com/other' } },
        merge,
      ),
    );
    expect([retyped.code, retyped.status?.reason]).toEqual([422, 'Invalid']);
    expect(causeFields(retyped)).toContain('type');
  });
});
