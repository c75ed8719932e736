// The kubelet simulator moves workloads to what kstatus reads as Current, or Failed on request.
import { afterAll, describe, expect, it } from 'vitest';
import { createNamespace, startFileKubeApi } from './test-support/file-server.js';
import { deployment } from './test-support/fixtures.js';
import { kstatus } from './test-support/kstatus.js';
import { eventually } from './test-support/raw-client.js';

const { server, raw } = await startFileKubeApi();
afterAll(() => server.kubelet.disable());

const namespace = () => createNamespace(raw, 'k');

const template = {
  metadata: { labels: { app: 'x' } },
  spec: { containers: [{ name: 'c', image: 'busybox:1' }] },
};
const workloads = (ns: string): [string, Record<string, unknown>][] => [
  [`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('dep')],
  [
    `/apis/apps/v1/namespaces/${ns}/statefulsets`,
    { metadata: { name: 'sts' }, spec: { selector: { matchLabels: { app: 'x' } }, template } },
  ],
  [
    `/apis/apps/v1/namespaces/${ns}/daemonsets`,
    { metadata: { name: 'ds' }, spec: { selector: { matchLabels: { app: 'x' } }, template } },
  ],
  [
    `/apis/batch/v1/namespaces/${ns}/jobs`,
    { metadata: { name: 'job' }, spec: { template: { spec: { ...template.spec, restartPolicy: 'Never' } } } },
  ],
  [`/api/v1/namespaces/${ns}/pods`, { metadata: { name: 'pod' }, spec: template.spec }],
];

async function statusOf(path: string) {
  return kstatus((await raw.get(path)).body);
}

describe('kubelet simulator', () => {
  it('is off by default: workloads stay InProgress', async () => {
    const ns = await namespace();
    await raw.post(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('idle'));
    await new Promise((r) => setTimeout(r, 50));
    expect(await statusOf(`/apis/apps/v1/namespaces/${ns}/deployments/idle`)).toBe('InProgress');
  });

  it('moves Deployments, StatefulSets, DaemonSets, Jobs and Pods to Current', async () => {
    server.kubelet.enable({ delayMs: 1 });
    const ns = await namespace();
    for (const [path, body] of workloads(ns)) {
      expect((await raw.post(path, body)).status).toBe(201);
      const name = (body.metadata as { name: string }).name;
      await eventually(
        async () => (await statusOf(`${path}/${name}`)) === 'Current',
        3000,
        `${name} Current`,
      );
    }
    const job = (await raw.get(`/apis/batch/v1/namespaces/${ns}/jobs/job`)).body;
    expect(job.status.conditions.map((c: { type: string }) => c.type)).toEqual([
      'SuccessCriteriaMet',
      'Complete',
    ]);
    expect(job.status.completionTime).toBeTruthy();
  });

  it('follows a later spec change: observedGeneration catches up', async () => {
    server.kubelet.enable({ delayMs: 1 });
    const ns = await namespace();
    const path = `/apis/apps/v1/namespaces/${ns}/deployments/roll`;
    await raw.post(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('roll'));
    await eventually(async () => (await statusOf(path)) === 'Current', 3000, 'Current');
    const patched = await raw.patch(path, { spec: { replicas: 3 } }, 'application/merge-patch+json');
    expect(patched.body.metadata.generation).toBe(2);
    await eventually(
      async () => {
        const obj = (await raw.get(path)).body;
        return (
          obj.status.observedGeneration === 2 && obj.status.readyReplicas === 3 && kstatus(obj) === 'Current'
        );
      },
      3000,
      'rolled out',
    );
  });

  it('moves chosen objects to Failed on request', async () => {
    server.kubelet.enable({ delayMs: 1 });
    const ns = await namespace();
    server.kubelet.setOutcome({ namespace: ns }, 'failed');
    try {
      for (const [path, body] of workloads(ns)) {
        const name = (body.metadata as { name: string }).name;
        if (name === 'sts' || name === 'ds') continue;
        await raw.post(path, body);
        await eventually(
          async () => (await statusOf(`${path}/${name}`)) === 'Failed',
          3000,
          `${name} Failed`,
        );
      }
    } finally {
      server.kubelet.clearOutcomes();
    }
  });

  it('finishes the graceful deletion of bound Pods', async () => {
    server.kubelet.enable({ delayMs: 1 });
    const ns = await namespace();
    const pods = `/api/v1/namespaces/${ns}/pods`;
    await raw.post(pods, { metadata: { name: 'bound' }, spec: { ...template.spec, nodeName: 'node-1' } });
    const response = await raw.delete(`${pods}/bound`);
    expect(response.body.metadata.deletionTimestamp).toBeTruthy();
    await eventually(async () => (await raw.get(`${pods}/bound`)).status === 404, 3000, 'pod gone');
  });
});
