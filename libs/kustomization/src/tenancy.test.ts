// Multi-tenancy settings: --no-cross-namespace-refs, --default-service-account impersonation
// (with RBAC in the double), and kubeConfig.secretRef applying to a remote cluster.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient, type ResourceType } from '@flotilla/runtime';
import { startKubeApi, type KubeApiServer } from '@flotilla/testing';
import {
  CONFIG_MAPS,
  conditionOf,
  readyAt,
  readyCondition,
  SECRETS,
  SERVICE_ACCOUNTS,
  startHarness,
  waitFor,
  type Harness,
} from './test-support/harness.js';
import { KUSTOMIZATIONS } from './spec.js';

const ROLES: ResourceType = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'Role',
  plural: 'roles',
  namespaced: true,
};
const ROLE_BINDINGS: ResourceType = {
  group: 'rbac.authorization.k8s.io',
  version: 'v1',
  kind: 'RoleBinding',
  plural: 'rolebindings',
  namespaced: true,
};

const cm = (ns: string, name: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ndata:\n  k: v\n`;

describe('multi-tenancy', () => {
  let h: Harness;
  let remote: KubeApiServer;
  beforeAll(async () => {
    [h, remote] = await Promise.all([
      startHarness({
        kube: { authorization: 'RBAC' },
        controller: { noCrossNamespaceRefs: true, defaultServiceAccount: 'tenant' },
      }),
      startKubeApi(),
    ]);
  });
  afterAll(async () => Promise.all([h?.close(), remote?.close()]));

  async function grantConfigMaps(ns: string, account: string): Promise<void> {
    await h.admin.create(ROLES, {
      metadata: { name: 'configmaps', namespace: ns },
      rules: [
        {
          apiGroups: [''],
          resources: ['configmaps'],
          verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
        },
      ],
    });
    await h.admin.create(ROLE_BINDINGS, {
      metadata: { name: 'configmaps', namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmaps' },
      subjects: [{ kind: 'ServiceAccount', name: account, namespace: ns }],
    });
  }

  it('a sourceRef in another namespace is refused (Stalled, AccessDenied)', async () => {
    const ns = await h.namespace();
    const other = await h.namespace('other');
    await h.publish(other, 'repo', { 'a.yaml': cm(ns, 'a') });
    await h.createKustomization(ns, 'app', {
      sourceRef: { kind: 'GitRepository', name: 'repo', namespace: other },
    });
    const obj = await h.waitForKustomization(
      ns,
      'app',
      (o) => conditionOf(o, 'Stalled')?.status === 'True',
      'Stalled',
    );
    expect(readyCondition(obj)).toMatchObject({
      status: 'False',
      reason: 'AccessDenied',
      message: `cannot access GitRepository/${other}/repo, cross-namespace references have been disabled`,
    });
  });

  it('the default service account is impersonated: allowed with its Role, forbidden beyond it', async () => {
    const ns = await h.namespace();
    await grantConfigMaps(ns, 'tenant');
    const revision = await h.publish(ns, 'repo', { 'a.yaml': cm(ns, 'a') });
    await h.createKustomization(ns, 'app', { sourceRef: { kind: 'GitRepository', name: 'repo' } });
    await h.waitForKustomization(ns, 'app', readyAt(revision), 'applied as the tenant');
    const managers = (await h.admin.get(CONFIG_MAPS, ns, 'a')).metadata?.managedFields?.map((m) => m.manager);
    expect(managers).toContain('kustomize-controller');
    await h.publish(ns, 'repo', {
      'a.yaml': cm(ns, 'a'),
      's.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: ${ns}\nstringData:\n  k: v\n`,
    });
    const obj = await h.waitForKustomization(
      ns,
      'app',
      (o) => readyCondition(o)?.reason === 'ReconciliationFailed',
      'forbidden Secret',
    );
    expect(readyCondition(obj)?.message).toMatch(
      new RegExp(`Secret/${ns}/s dry-run failed \\(Forbidden\\).*system:serviceaccount:${ns}:tenant`, 's'),
    );
  });

  it('deleting a Kustomization whose service account is gone orphans its objects instead of blocking', async () => {
    const ns = await h.namespace();
    await grantConfigMaps(ns, 'tenant');
    await h.admin.create(SERVICE_ACCOUNTS, { metadata: { name: 'tenant', namespace: ns } });
    const revision = await h.publish(ns, 'repo', { 'a.yaml': cm(ns, 'a') });
    await h.createKustomization(ns, 'app', { sourceRef: { kind: 'GitRepository', name: 'repo' } });
    await h.waitForKustomization(ns, 'app', readyAt(revision), 'applied');
    await h.admin.delete(SERVICE_ACCOUNTS, { namespace: ns, name: 'tenant' });
    await h.admin.delete(KUSTOMIZATIONS, { namespace: ns, name: 'app' });
    await waitFor(
      () =>
        h.getKustomization(ns, 'app').then(
          () => 'present',
          () => 'gone',
        ),
      (state) => state === 'gone',
      'the Kustomization to go',
    );
    expect((await h.admin.get(CONFIG_MAPS, ns, 'a')).metadata?.name).toBe('a');
  });

  it('kubeConfig.secretRef applies to the remote cluster', async () => {
    const ns = await h.namespace();
    await grantConfigMaps(ns, 'tenant');
    const remoteClient = KubeClient.create({ source: { text: remote.kubeconfig() } });
    try {
      await remoteClient.create(
        { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
        { metadata: { name: ns } },
      );
      await h.admin.create(SECRETS, {
        metadata: { name: 'remote', namespace: ns },
        data: { 'value.yaml': Buffer.from(remote.kubeconfig()).toString('base64') },
      });
      const revision = await h.publish(ns, 'repo', { 'a.yaml': cm(ns, 'far') });
      await h.createKustomization(ns, 'app', {
        sourceRef: { kind: 'GitRepository', name: 'repo' },
        kubeConfig: { secretRef: { name: 'remote' } },
      });
      await h.waitForKustomization(ns, 'app', readyAt(revision), 'applied remotely');
      expect((await remoteClient.get(CONFIG_MAPS, ns, 'far')).metadata?.labels).toMatchObject({
        'kustomize.toolkit.fluxcd.io/name': 'app',
      });
      await expect(h.admin.get(CONFIG_MAPS, ns, 'far')).rejects.toMatchObject({ status: 404 });
    } finally {
      remoteClient.close();
    }
  });
});
