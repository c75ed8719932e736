// RBAC escalation prevention (kube-api.md §8): writing a Role/ClusterRole, or a binding to one,
// needs every permission it grants, unless the writer holds `escalate` (roles) or `bind` (bindings).
import type { Authorizer, RequestAttributes, UserInfo } from './auth.js';
import type { KubeApiCore } from './core.js';
import { forbidden } from './errors.js';
import { isObject, metaOf, type KubeObject } from './json.js';
import type { ResourceType } from './resource-types.js';

const RBAC = 'rbac.authorization.k8s.io';

interface Rule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

const list = (value: string[] | undefined): string[] => (Array.isArray(value) ? value : []);

/** The attribute sets a rule grants; each must be authorised for the writer. */
function grantsOf(rule: Rule, namespace: string | undefined): Omit<RequestAttributes, 'user'>[] {
  const out: Omit<RequestAttributes, 'user'>[] = [];
  for (const verb of list(rule.verbs)) {
    for (const path of list(rule.nonResourceURLs)) out.push({ verb, path });
    for (const group of list(rule.apiGroups)) {
      for (const full of list(rule.resources)) {
        const [resource = full, subresource] = full.split('/');
        const names = list(rule.resourceNames).length > 0 ? list(rule.resourceNames) : [undefined];
        for (const name of names) {
          out.push({
            verb,
            resource: {
              group,
              resource,
              ...(subresource ? { subresource } : {}),
              ...(namespace ? { namespace } : {}),
              ...(name ? { name } : {}),
            },
          });
        }
      }
    }
  }
  return out;
}

function describeRule(rule: Rule): string {
  const parts = [
    `APIGroups:${JSON.stringify(list(rule.apiGroups))}`,
    `Resources:${JSON.stringify(list(rule.resources))}`,
  ];
  if (list(rule.resourceNames).length > 0) parts.push(`ResourceNames:${JSON.stringify(rule.resourceNames)}`);
  if (list(rule.nonResourceURLs).length > 0)
    parts.push(`NonResourceURLs:${JSON.stringify(rule.nonResourceURLs)}`);
  parts.push(`Verbs:${JSON.stringify(list(rule.verbs))}`);
  return `{${parts.join(', ')}}`;
}

function rulesOf(obj: KubeObject | undefined): Rule[] {
  return obj && Array.isArray(obj.rules) ? (obj.rules.filter(isObject) as Rule[]) : [];
}

export interface EscalationContext {
  core: KubeApiCore;
  authorize: Authorizer;
  user: UserInfo;
}

/** Resolves the rules a Role/ClusterRole object or a binding's roleRef grants, with the verb that waives the check. */
function grantedBy(context: EscalationContext, type: ResourceType, obj: KubeObject) {
  const namespace = type.namespaced ? String(metaOf(obj).namespace ?? '') : undefined;
  const name = String(metaOf(obj).name ?? '');
  if (type.kind === 'Role' || type.kind === 'ClusterRole') {
    return { rules: rulesOf(obj), namespace, waiver: { verb: 'escalate', resource: type.plural, name } };
  }
  const ref = isObject(obj.roleRef) ? obj.roleRef : {};
  const refName = String(ref.name ?? '');
  const clusterRole = ref.kind === 'ClusterRole';
  const role = context.core.db
    .store(`${RBAC}/${clusterRole ? 'clusterroles' : 'roles'}`)
    .get(clusterRole ? '' : (namespace ?? ''), refName);
  return {
    rules: rulesOf(role),
    namespace,
    waiver: { verb: 'bind', resource: clusterRole ? 'clusterroles' : 'roles', name: refName },
  };
}

/** Throws 403 when the write would grant permissions the writer does not hold. */
export function checkEscalation(context: EscalationContext, type: ResourceType, obj: KubeObject): void {
  if (type.group !== RBAC) return;
  const { authorize, user } = context;
  const { rules, namespace, waiver } = grantedBy(context, type, obj);
  const waived = authorize({
    user,
    verb: waiver.verb,
    resource: {
      group: RBAC,
      resource: waiver.resource,
      name: waiver.name,
      ...(namespace ? { namespace } : {}),
    },
  });
  if (waived) return;
  const missing = rules.filter((rule) =>
    grantsOf(rule, namespace).some((grant) => !authorize({ ...grant, user })),
  );
  if (missing.length === 0) return;
  throw forbidden(
    { group: RBAC, resource: type.plural },
    String(metaOf(obj).name ?? ''),
    `user "${user.name}" (groups=${JSON.stringify(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${missing.map(describeRule).join('\n')}`,
  );
}
