// An RBAC authorizer over the Roles, ClusterRoles and bindings stored in the double, so
// multi-tenancy tests can grant and deny with real RBAC objects.
import { SUPERUSER_GROUP, type Authorizer, type RequestAttributes, type UserInfo } from './auth.js';
import type { KubeApiCore } from './core.js';
import { isObject, metaOf, type JsonObject, type KubeObject } from './json.js';

interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

const matchesAny = (list: string[] | undefined, value: string): boolean =>
  Array.isArray(list) && (list.includes('*') || list.includes(value));

function resourceMatches(
  rules: string[] | undefined,
  resource: string,
  subresource: string | undefined,
): boolean {
  if (!Array.isArray(rules)) return false;
  const full = subresource ? `${resource}/${subresource}` : resource;
  return rules.some(
    (r) => r === '*' || r === full || (subresource !== undefined && r === `*/${subresource}`),
  );
}

function ruleAllows(rule: PolicyRule, attributes: RequestAttributes): boolean {
  if (!matchesAny(rule.verbs, attributes.verb)) return false;
  const resource = attributes.resource;
  if (!resource) {
    const path = attributes.path ?? '';
    return (rule.nonResourceURLs ?? []).some(
      (p) => p === '*' || p === path || (p.endsWith('*') && path.startsWith(p.slice(0, -1))),
    );
  }
  if (!matchesAny(rule.apiGroups, resource.group)) return false;
  if (!resourceMatches(rule.resources, resource.resource, resource.subresource)) return false;
  const names = rule.resourceNames;
  return (
    !Array.isArray(names) ||
    names.length === 0 ||
    (resource.name !== undefined && names.includes(resource.name))
  );
}

function subjectMatches(subject: unknown, user: UserInfo, bindingNamespace: string): boolean {
  if (!isObject(subject)) return false;
  switch (subject.kind) {
    case 'User':
      return subject.name === user.name;
    case 'Group':
      return typeof subject.name === 'string' && user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const namespace =
        typeof subject.namespace === 'string' && subject.namespace ? subject.namespace : bindingNamespace;
      return user.name === `system:serviceaccount:${namespace}:${String(subject.name)}`;
    }
    default:
      return false;
  }
}

function rulesOf(role: KubeObject | undefined): PolicyRule[] {
  return role && Array.isArray(role.rules) ? (role.rules.filter(isObject) as PolicyRule[]) : [];
}

/** Allows a request when a binding for the user grants it; `system:masters` is always allowed. */
export function rbacAuthorizer(core: KubeApiCore): Authorizer {
  const store = (plural: string) => core.db.store(`rbac.authorization.k8s.io/${plural}`);
  const boundRules = (binding: KubeObject, namespace: string): PolicyRule[] => {
    const ref = isObject(binding.roleRef) ? binding.roleRef : {};
    const role =
      ref.kind === 'ClusterRole'
        ? store('clusterroles').get('', String(ref.name))
        : store('roles').get(namespace, String(ref.name));
    return rulesOf(role);
  };
  const grants = (binding: KubeObject, namespace: string, attributes: RequestAttributes): boolean =>
    Array.isArray(binding.subjects) &&
    binding.subjects.some((s) => subjectMatches(s, attributes.user, namespace)) &&
    boundRules(binding, namespace).some((rule) => ruleAllows(rule, attributes));
  return (attributes) => {
    if (attributes.user.groups.includes(SUPERUSER_GROUP)) return true;
    for (const binding of store('clusterrolebindings').list(undefined))
      if (grants(binding, '', attributes)) return true;
    const namespace = attributes.resource?.namespace;
    if (!namespace) return false;
    return store('rolebindings')
      .list(namespace)
      .some((binding) => grants(binding, String(metaOf(binding).namespace), attributes));
  };
}

const ALL = ['*'];
const READ = ['get', 'list', 'watch'];

/**
 * Bootstrap RBAC: the ClusterRoles user-facing bindings refer to (a simplified
 * cluster-admin/admin/edit/view) and discovery for every authenticated user.
 */
export function defaultRbacObjects(): JsonObject[] {
  const role = (name: string, rules: PolicyRule[]): JsonObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } },
    rules,
  });
  return [
    role('cluster-admin', [
      { apiGroups: ALL, resources: ALL, verbs: ALL },
      { nonResourceURLs: ALL, verbs: ALL },
    ]),
    role('admin', [{ apiGroups: ALL, resources: ALL, verbs: ALL }]),
    role('edit', [
      {
        apiGroups: [
          '',
          'apps',
          'batch',
          'autoscaling',
          'policy',
          'networking.k8s.io',
          'coordination.k8s.io',
          'events.k8s.io',
        ],
        resources: ALL,
        verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      },
    ]),
    role('view', [{ apiGroups: ALL, resources: ALL, verbs: READ }]),
    role('system:discovery', [
      {
        nonResourceURLs: [
          '/api',
          '/api/*',
          '/apis',
          '/apis/*',
          '/healthz',
          '/livez',
          '/readyz',
          '/version',
          '/version/',
        ],
        verbs: ['get'],
      },
    ]),
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'system:discovery', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:discovery' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' }],
    },
  ];
}
