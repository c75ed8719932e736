// URL → what is being asked (kube-api.md §2): discovery documents, health probes, or a resource
// request with group, version, namespace, resource, name and subresource.

export type RouteInfo =
  | { kind: 'health' }
  | { kind: 'version' }
  | { kind: 'core-versions' }
  | { kind: 'groups' }
  | { kind: 'group'; group: string }
  | { kind: 'resource-list'; group: string; version: string }
  | ResourceRoute
  | { kind: 'unknown' };

export interface ResourceRoute {
  kind: 'resource';
  group: string;
  version: string;
  /** Namespace from the URL (`/namespaces/<ns>/…`), if any. */
  namespace: string | undefined;
  resource: string;
  name: string | undefined;
  subresource: string | undefined;
}

/** Subresources of namespaces, which /api/v1/namespaces/<ns>/<x> reads as such rather than as a resource. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

function resourceRoute(group: string, version: string, rest: string[]): RouteInfo {
  let parts = rest;
  let namespace: string | undefined;
  if (parts[0] === 'namespaces' && parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2] as string)) {
    namespace = parts[1];
    parts = parts.slice(2);
  }
  if (parts.length === 0 || parts.length > 3) return { kind: 'unknown' };
  return {
    kind: 'resource',
    group,
    version,
    namespace,
    resource: parts[0] as string,
    name: parts[1],
    subresource: parts[2],
  };
}

export function route(pathname: string): RouteInfo {
  const parts = pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  const [root, a, b, ...rest] = parts;
  if (parts.length === 1 && (root === 'healthz' || root === 'livez' || root === 'readyz'))
    return { kind: 'health' };
  if (parts.length === 1 && root === 'version') return { kind: 'version' };
  if (root === 'api') {
    if (a === undefined) return { kind: 'core-versions' };
    if (b === undefined) return { kind: 'resource-list', group: '', version: a };
    return resourceRoute('', a, [b, ...rest]);
  }
  if (root === 'apis') {
    if (a === undefined) return { kind: 'groups' };
    if (b === undefined) return { kind: 'group', group: a };
    if (rest.length === 0) return { kind: 'resource-list', group: a, version: b };
    return resourceRoute(a, b, rest);
  }
  return { kind: 'unknown' };
}
