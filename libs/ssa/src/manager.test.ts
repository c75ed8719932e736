// The apply manager against the API-server double (kubelet simulator on).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient, type ApiObject, type ResourceType } from '@flotilla/runtime';
import { startKubeApi, type KubeApiServer } from '@flotilla/testing';
import { HealthCheckError, ValidationError } from './errors.js';
import { ResourceManager } from './manager.js';
import { refOf } from './object-id.js';

const CONFIG_MAPS: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  namespaced: true,
};
const NAMESPACES: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  namespaced: false,
};
const OWNER = {
  'kustomize.toolkit.fluxcd.io/name': 'app',
  'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
};

const cm = (
  ns: string,
  name: string,
  data: Record<string, string> = { k: 'v' },
  extra: Record<string, unknown> = {},
): ApiObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, labels: { ...OWNER }, ...extra },
  data,
});

const crd: ApiObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gadgets.example.com' },
  spec: {
    group: 'example.com',
    names: { kind: 'Gadget', plural: 'gadgets', singular: 'gadget', listKind: 'GadgetList' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: { spec: { type: 'object', properties: { n: { type: 'integer' } } } },
          },
        },
      },
    ],
  },
};

describe('ResourceManager', () => {
  let kube: KubeApiServer;
  let client: KubeClient;
  let manager: ResourceManager;
  let counter = 0;
  const namespace = async () => {
    const name = `ssa-${++counter}`;
    await client.create(NAMESPACES, { metadata: { name } });
    return name;
  };
  beforeAll(async () => {
    kube = await startKubeApi({ kubelet: { delayMs: 10 } });
    client = KubeClient.create({ source: { text: kube.kubeconfig() }, qps: 0 });
    manager = new ResourceManager({
      client,
      fieldManager: 'kustomize-controller',
      ownerGroup: 'kustomize.toolkit.fluxcd.io',
      pollMs: 100,
    });
  });
  afterAll(async () => {
    client?.close();
    await kube?.close();
  });

  it('creates, then reports unchanged without writing, then configured', async () => {
    const ns = await namespace();
    const first = await manager.applyAllStaged([cm(ns, 'a'), cm(ns, 'b')]);
    expect(first.toString()).toBe(`ConfigMap/${ns}/a created\nConfigMap/${ns}/b created`);
    const rv = (await client.get(CONFIG_MAPS, ns, 'a')).metadata?.resourceVersion;
    const second = await manager.applyAllStaged([cm(ns, 'a'), cm(ns, 'b', { k: 'changed' })]);
    expect(second.entries.map((e) => e.action)).toEqual(['unchanged', 'configured']);
    expect((await client.get(CONFIG_MAPS, ns, 'a')).metadata?.resourceVersion).toBe(rv);
    expect((await client.get(CONFIG_MAPS, ns, 'a')).metadata?.managedFields?.[0]?.manager).toBe(
      'kustomize-controller',
    );
  });

  it('applies a CRD and a Namespace before objects that need them, in one call', async () => {
    const ns = `ssa-fresh-${++counter}`;
    const gadget = {
      apiVersion: 'example.com/v1',
      kind: 'Gadget',
      metadata: { name: 'g', namespace: ns },
      spec: { n: 1 },
    };
    const namespaceObj = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } };
    const changes = await manager.applyAllStaged([gadget, cm(ns, 'c'), namespaceObj, crd]);
    expect(changes.entries.map((e) => e.subject)).toEqual([
      'CustomResourceDefinition/gadgets.example.com',
      `Namespace/${ns}`,
      `ConfigMap/${ns}/c`,
      `Gadget/${ns}/g`,
    ]);
  });

  it('applies nothing when one object fails validation', async () => {
    const ns = await namespace();
    const bad = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'Bad_Name', namespace: ns },
      data: { k: 'v' },
    };
    const error = await manager.applyAllStaged([cm(ns, 'good'), bad]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems).toHaveLength(1);
    expect((error as ValidationError).message).toContain(`ConfigMap/${ns}/Bad_Name dry-run failed (Invalid)`);
    await expect(client.get(CONFIG_MAPS, ns, 'good')).rejects.toMatchObject({ status: 404 });
  });

  it('skips objects marked reconcile: disabled and ssa: IfNotPresent when they exist', async () => {
    const ns = await namespace();
    await manager.applyAllStaged([cm(ns, 'once')]);
    const marked = cm(
      ns,
      'once',
      { k: 'new' },
      { annotations: { 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' } },
    );
    const paused = cm(
      ns,
      'paused',
      { k: 'v' },
      { annotations: { 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' } },
    );
    const changes = await manager.applyAllStaged([marked, paused]);
    expect(changes.entries.map((e) => e.action)).toEqual(['skipped', 'skipped']);
    expect((await client.get(CONFIG_MAPS, ns, 'once')).data).toEqual({ k: 'v' });
    await expect(client.get(CONFIG_MAPS, ns, 'paused')).rejects.toMatchObject({ status: 404 });
  });

  it('deletes only objects still carrying the owner labels and not prune-disabled', async () => {
    const ns = await namespace();
    await manager.applyAllStaged([
      cm(ns, 'owned'),
      cm(ns, 'kept', {}, { annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'Disabled' } }),
    ]);
    await client.create(CONFIG_MAPS, { metadata: { name: 'foreign', namespace: ns }, data: {} });
    const refs = ['owned', 'kept', 'foreign', 'absent'].map((name) => refOf(cm(ns, name)));
    const changes = await manager.deleteAll(refs, { ownerLabels: OWNER });
    expect(changes.toString()).toBe(
      `ConfigMap/${ns}/owned deleted\nConfigMap/${ns}/kept skipped\nConfigMap/${ns}/foreign skipped`,
    );
    await manager.waitForTermination([refOf(cm(ns, 'owned'))], { timeoutMs: 5_000 });
    await client.get(CONFIG_MAPS, ns, 'kept');
    await client.get(CONFIG_MAPS, ns, 'foreign');
  });

  it('waits for Deployments to become Current and fails fast on a failed one', async () => {
    const ns = await namespace();
    const deployment = (name: string): ApiObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: ns },
      spec: {
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: 'c', image: 'nginx' }] },
        },
      },
    });
    kube.kubelet.setOutcome({ namespace: ns, name: 'sad' }, 'failed');
    await manager.applyAllStaged([deployment('happy'), deployment('sad')]);
    await manager.waitForHealth([refOf(deployment('happy'))], { timeoutMs: 5_000 });
    const error = await manager
      .waitForHealth([refOf(deployment('sad'))], { timeoutMs: 30_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HealthCheckError);
    expect((error as HealthCheckError).timedOut).toBe(false);
    expect((error as Error).message).toContain(`Deployment/${ns}/sad status: 'Failed'`);
    const timeout = await manager
      .waitForHealth([refOf(cm(ns, 'never'))], { timeoutMs: 300 })
      .catch((e: unknown) => e);
    expect((timeout as HealthCheckError).timedOut).toBe(true);
    expect((timeout as Error).message).toContain(`ConfigMap/${ns}/never status: 'NotFound'`);
  });
});
