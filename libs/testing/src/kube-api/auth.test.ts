// Impersonation and authorization (kube-api.md §9): the 403 paths multi-tenancy tests need.
import { describe, expect, it } from 'vitest';
import { startKubeApi } from './server.js';
import { startFileKubeApi } from './test-support/file-server.js';
import { configMap } from './test-support/fixtures.js';
import { RawClient, uniqueName } from './test-support/raw-client.js';

const { raw } = await startFileKubeApi({
  authorization: 'RBAC',
  tokens: { admin: { name: 'admin', groups: ['system:masters'] }, alice: { name: 'alice' } },
});

async function tenant(): Promise<string> {
  const ns = uniqueName('team');
  await raw.post('/api/v1/namespaces', { metadata: { name: ns } });
  await raw.post(`/api/v1/namespaces/${ns}/serviceaccounts`, { metadata: { name: 'deployer' } });
  return ns;
}

const asSa = (ns: string) => ({ headers: { 'Impersonate-User': `system:serviceaccount:${ns}:deployer` } });

describe('RBAC authorization with impersonation', () => {
  it('an impersonated service account without bindings gets 403 with the RBAC message shape', async () => {
    const ns = await tenant();
    const response = await raw.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('x'), asSa(ns));
    expect(response.status).toBe(403);
    expect(response.body.reason).toBe('Forbidden');
    expect(response.body.message).toBe(
      `configmaps is forbidden: User "system:serviceaccount:${ns}:deployer" cannot create resource "configmaps" in API group "" in the namespace "${ns}"`,
    );
    const clusterList = await raw.get('/apis/apps/v1/deployments', asSa(ns));
    expect(clusterList.status).toBe(403);
    expect(clusterList.body.message).toContain('at the cluster scope');
    const named = await raw.get(`/api/v1/namespaces/${ns}/configmaps/x`, asSa(ns));
    expect(named.body.message).toContain(`configmaps "x" is forbidden`);
  });

  it('a RoleBinding grants within its namespace only; groups of service accounts bind too', async () => {
    const ns = await tenant();
    const other = await tenant();
    await raw.post(`/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
      metadata: { name: 'deployer-admin' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: ns }],
    });
    expect((await raw.post(`/api/v1/namespaces/${ns}/configmaps`, configMap('ok'), asSa(ns))).status).toBe(
      201,
    );
    expect((await raw.post(`/api/v1/namespaces/${other}/configmaps`, configMap('no'), asSa(ns))).status).toBe(
      403,
    );
    await raw.post(`/apis/rbac.authorization.k8s.io/v1/namespaces/${other}/roles`, {
      metadata: { name: 'read-cm' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }],
    });
    await raw.post(`/apis/rbac.authorization.k8s.io/v1/namespaces/${other}/rolebindings`, {
      metadata: { name: 'all-sas-read' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-cm' },
      subjects: [{ kind: 'Group', name: 'system:serviceaccounts' }],
    });
    expect((await raw.get(`/api/v1/namespaces/${other}/configmaps`, asSa(ns))).status).toBe(200);
    expect((await raw.post(`/api/v1/namespaces/${other}/configmaps`, configMap('no'), asSa(ns))).status).toBe(
      403,
    );
  });

  it('impersonation itself needs the impersonate verb; groups without a user are refused', async () => {
    const ns = await tenant();
    const denied = await raw.get(`/api/v1/namespaces/${ns}/configmaps`, { token: 'alice', ...asSa(ns) });
    expect(denied.status).toBe(403);
    expect(denied.body.message).toBe(
      `serviceaccounts "deployer" is forbidden: User "alice" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "${ns}"`,
    );
    const groupOnly = await raw.get(`/api/v1/namespaces/${ns}/configmaps`, {
      headers: { 'Impersonate-Group': 'x' },
    });
    expect(groupOnly.status).toBe(403);
    await raw.post('/apis/rbac.authorization.k8s.io/v1/clusterroles', {
      metadata: { name: 'impersonator' },
      rules: [{ apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] }],
    });
    await raw.post('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
      metadata: { name: 'alice-impersonates' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'impersonator' },
      subjects: [{ kind: 'User', name: 'alice' }],
    });
    const allowed = await raw.get(`/api/v1/namespaces/${ns}/configmaps`, { token: 'alice', ...asSa(ns) });
    expect(allowed.status).toBe(403);
    expect(allowed.body.message).toContain(`User "system:serviceaccount:${ns}:deployer" cannot list`);
  });

  it('refuses to grant permissions the writer does not hold (escalation), unless it may bind', async () => {
    const ns = await tenant();
    await raw.post(`/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`, {
      metadata: { name: 'manage-rbac' },
      rules: [
        { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: ['*'] },
        { apiGroups: [''], resources: ['configmaps'], verbs: ['get'] },
      ],
    });
    await raw.post(`/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
      metadata: { name: 'deployer-rbac' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'manage-rbac' },
      subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: ns }],
    });
    const held = await raw.post(
      `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`,
      { metadata: { name: 'read' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] },
      asSa(ns),
    );
    expect(held.status).toBe(201);
    const escalating = await raw.post(
      `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`,
      {
        metadata: { name: 'to-admin' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: ns }],
      },
      asSa(ns),
    );
    expect(escalating.status).toBe(403);
    expect(escalating.body.message).toContain('attempting to grant RBAC permissions not currently held');
    const byAdmin = await raw.post(`/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
      metadata: { name: 'to-admin' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'deployer', namespace: ns }],
    });
    expect(byAdmin.status).toBe(201);
  });

  it('discovery is open to every authenticated user', async () => {
    expect((await raw.get('/apis', { token: 'alice' })).status).toBe(200);
    expect((await raw.get('/api/v1', { token: 'alice' })).status).toBe(200);
  });
});

describe('rule-based authorization', () => {
  it('allows what a rule allows and nothing else', async () => {
    const ruled = await startKubeApi({
      tokens: { t: { name: 'tester' } },
      authorization: [
        {
          users: ['tester'],
          verbs: ['get', 'list', 'watch'],
          resources: ['configmaps'],
          namespaces: ['default'],
        },
        { users: ['tester'], nonResourceURLs: ['*'], verbs: ['get'] },
      ],
    });
    try {
      const client = new RawClient(ruled);
      expect((await client.get('/api/v1/namespaces/default/configmaps')).status).toBe(200);
      expect((await client.get('/api/v1/namespaces/kube-system/configmaps')).status).toBe(403);
      expect((await client.post('/api/v1/namespaces/default/configmaps', configMap('x'))).status).toBe(403);
      expect((await client.get('/api/v1')).status).toBe(200);
    } finally {
      await ruled.close();
    }
  });

  it('accepts any function as authorizer', async () => {
    const custom = await startKubeApi({ authorization: (a) => a.verb !== 'delete' });
    try {
      const client = new RawClient(custom);
      await client.post('/api/v1/namespaces/default/configmaps', configMap('keep'));
      expect((await client.delete('/api/v1/namespaces/default/configmaps/keep')).status).toBe(403);
    } finally {
      await custom.close();
    }
  });
});
