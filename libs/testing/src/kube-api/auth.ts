// Authentication (bearer tokens), impersonation headers and authorization (kube-api.md §0, §9).
// Authorization is off unless configured: an allow-list of rules, an RBAC evaluator over the
// Role/RoleBinding objects stored in the double, or any function.
import type { IncomingMessage } from 'node:http';
import { forbidden, forbiddenMessage, unauthorized, type KubeApiError } from './errors.js';

export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** What a request wants to do, as an authorizer sees it. */
export interface RequestAttributes {
  user: UserInfo;
  verb: string;
  /** Resource requests; undefined for non-resource URLs. */
  resource?: { group: string; resource: string; subresource?: string; namespace?: string; name?: string };
  /** Non-resource requests (discovery, /version). */
  path?: string;
}

export type Authorizer = (attributes: RequestAttributes) => boolean;

export const SUPERUSER_GROUP = 'system:masters';

/** The identity of the default token: a cluster admin. */
export const ADMIN_USER: UserInfo = { name: 'admin', groups: [SUPERUSER_GROUP, 'system:authenticated'] };

export interface AuthenticationOptions {
  /** token → user; when absent, any bearer token authenticates as ADMIN_USER. */
  tokens?: Record<string, Omit<UserInfo, 'groups'> & { groups?: string[] }>;
  /** Accept requests without Authorization as ADMIN_USER (default false: 401). */
  allowAnonymous?: boolean;
}

/** The caller of a request, or 401. */
export function authenticate(request: IncomingMessage, options: AuthenticationOptions): UserInfo {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) {
    if (options.allowAnonymous && !header) return ADMIN_USER;
    throw unauthorized();
  }
  if (!options.tokens) return ADMIN_USER;
  const user = options.tokens[match[1] as string];
  if (!user) throw unauthorized();
  const groups = user.groups ?? [];
  return {
    ...user,
    groups: groups.includes('system:authenticated') ? groups : [...groups, 'system:authenticated'],
  };
}

const SERVICE_ACCOUNT = /^system:serviceaccount:([^:]+):([^:]+)$/;

function headerValues(request: IncomingMessage, name: string): string[] {
  const values = request.headersDistinct[name.toLowerCase()];
  return values ? values.flatMap((v) => v.split(',').map((s) => s.trim())).filter(Boolean) : [];
}

function extraHeaders(request: IncomingMessage): Record<string, string[]> {
  const extra: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(request.headersDistinct)) {
    if (!name.startsWith('impersonate-extra-') || !values) continue;
    extra[decodeURIComponent(name.slice('impersonate-extra-'.length))] = values;
  }
  return extra;
}

function impersonationDenied(
  user: UserInfo,
  resource: string,
  name: string,
  namespace?: string,
): KubeApiError {
  const where = namespace ? ` in the namespace "${namespace}"` : '';
  const group = resource === 'userextras' || resource === 'uids' ? 'authentication.k8s.io' : '';
  return forbidden(
    { group, resource },
    name,
    `User "${user.name}" cannot impersonate resource "${resource}" in API group "${group}"${where}`,
  );
}

/**
 * Applies Impersonate-* headers: the caller needs `impersonate` on each impersonated users /
 * serviceaccounts / groups / uids / userextras; the request then runs as that identity.
 */
export function impersonate(request: IncomingMessage, caller: UserInfo, authorize: Authorizer): UserInfo {
  const userName = request.headers['impersonate-user'];
  const groups = headerValues(request, 'impersonate-group');
  const uid = request.headers['impersonate-uid'];
  const extra = extraHeaders(request);
  const hasOthers = groups.length > 0 || uid !== undefined || Object.keys(extra).length > 0;
  if (typeof userName !== 'string' || userName === '') {
    if (hasOthers) throw forbiddenMessage('requested impersonation without a user name (Impersonate-User)');
    return caller;
  }
  const check = (resource: string, name: string, namespace?: string, group = '') => {
    const attributes: RequestAttributes = {
      user: caller,
      verb: 'impersonate',
      resource: { group, resource, name, ...(namespace ? { namespace } : {}) },
    };
    if (!authorize(attributes)) throw impersonationDenied(caller, resource, name, namespace);
  };
  const sa = SERVICE_ACCOUNT.exec(userName);
  if (sa) check('serviceaccounts', sa[2] as string, sa[1]);
  else check('users', userName);
  for (const group of groups) check('groups', group);
  if (typeof uid === 'string') check('uids', uid, undefined, 'authentication.k8s.io');
  for (const [key, values] of Object.entries(extra)) {
    for (const value of values) check(`userextras/${key}`, value, undefined, 'authentication.k8s.io');
  }
  const impersonated: UserInfo = { name: userName, groups: groupsFor(userName, groups, sa) };
  if (typeof uid === 'string') impersonated.uid = uid;
  if (Object.keys(extra).length > 0) impersonated.extra = extra;
  return impersonated;
}

function groupsFor(userName: string, explicit: string[], sa: RegExpExecArray | null): string[] {
  if (explicit.length > 0)
    return explicit.includes('system:authenticated') ? explicit : [...explicit, 'system:authenticated'];
  if (sa) return ['system:serviceaccounts', `system:serviceaccounts:${sa[1]}`, 'system:authenticated'];
  return userName === 'system:anonymous' ? ['system:unauthenticated'] : ['system:authenticated'];
}

/** The 403 message kube-apiserver's RBAC authorizer gives. */
export function deniedError(attributes: RequestAttributes): KubeApiError {
  const { user, verb, resource } = attributes;
  if (!resource) {
    return forbiddenMessage(`forbidden: User "${user.name}" cannot ${verb} path "${attributes.path ?? ''}"`);
  }
  const fullResource = resource.subresource
    ? `${resource.resource}/${resource.subresource}`
    : resource.resource;
  const scope = resource.namespace ? `in the namespace "${resource.namespace}"` : 'at the cluster scope';
  return forbidden(
    { group: resource.group, resource: resource.resource },
    resource.name ?? '',
    `User "${user.name}" cannot ${verb} resource "${fullResource}" in API group "${resource.group}" ${scope}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Rule-based authorization

/** One allow rule; omitted or `*` fields match anything. */
export interface AccessRule {
  users?: string[];
  groups?: string[];
  verbs?: string[];
  apiGroups?: string[];
  /** Plural names, `res/sub` for subresources. */
  resources?: string[];
  namespaces?: string[];
  resourceNames?: string[];
  /** Non-resource paths; a trailing `*` matches a prefix. */
  nonResourceURLs?: string[];
}

const anyOf = (list: string[] | undefined, value: string | undefined): boolean =>
  list === undefined || list.includes('*') || (value !== undefined && list.includes(value));

function subjectAllowed(rule: AccessRule, user: UserInfo): boolean {
  if (rule.users === undefined && rule.groups === undefined) return true;
  return (
    (rule.users?.includes(user.name) ?? false) || (rule.groups?.some((g) => user.groups.includes(g)) ?? false)
  );
}

function ruleAllows(rule: AccessRule, attributes: RequestAttributes): boolean {
  const { user, verb, resource } = attributes;
  if (!subjectAllowed(rule, user) || !anyOf(rule.verbs, verb)) return false;
  if (!resource) {
    const path = attributes.path ?? '';
    return (rule.nonResourceURLs ?? ['*']).some(
      (p) => p === '*' || p === path || (p.endsWith('*') && path.startsWith(p.slice(0, -1))),
    );
  }
  return resourceAllowed(rule, resource);
}

function resourceAllowed(rule: AccessRule, resource: NonNullable<RequestAttributes['resource']>): boolean {
  const full = resource.subresource ? `${resource.resource}/${resource.subresource}` : resource.resource;
  const named =
    rule.resourceNames === undefined ||
    (resource.name !== undefined && rule.resourceNames.includes(resource.name));
  return (
    anyOf(rule.apiGroups, resource.group) &&
    anyOf(rule.resources, full) &&
    anyOf(rule.namespaces, resource.namespace) &&
    named
  );
}

/** Allows what any rule allows; `system:masters` is always allowed. */
export function ruleAuthorizer(rules: AccessRule[]): Authorizer {
  return (attributes) =>
    attributes.user.groups.includes(SUPERUSER_GROUP) || rules.some((rule) => ruleAllows(rule, attributes));
}

export const alwaysAllow: Authorizer = () => true;
