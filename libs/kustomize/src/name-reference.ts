// Rewrites references to resources whose names changed (prefix/suffix, namespace, hash suffix):
// a reference to any former name of a referent becomes its current name.
import { updateFields } from './field-specs.js';
import type { NameReferenceRule, Referrer } from './name-reference-config.js';
import {
  isClusterScoped,
  isClusterScopedObject,
  kindOf,
  nameOf,
  namespaceOf,
  type Resource,
} from './resource.js';
import { isObject } from './yaml-io.js';

export function fixNameReferences(resources: readonly Resource[], rules: readonly NameReferenceRule[]): void {
  const byKind = new Map<string, Resource[]>();
  for (const resource of resources) {
    const kind = kindOf(resource.object);
    const list = byKind.get(kind);
    if (list === undefined) byKind.set(kind, [resource]);
    else list.push(resource);
  }
  const indexes = new Map<string, ReferentIndex>();
  for (const rule of rules) {
    const all = byKind.get(rule.kind) ?? [];
    if (all.length === 0 || !all.some(wasRenamed)) continue;
    let referents = indexes.get(rule.kind);
    if (referents === undefined) {
      referents = indexByName(all);
      indexes.set(rule.kind, referents);
    }
    for (const referrer of resources) {
      for (const spec of rule.referrers) {
        if (spec.kind !== undefined && spec.kind !== kindOf(referrer.object)) continue;
        const visit = (found: unknown): undefined => {
          for (const holder of Array.isArray(found) ? found : [found]) {
            if (isObject(holder)) rewrite(holder, { spec, kind: rule.kind, referents, referrer });
          }
          return undefined;
        };
        if (spec.path === '') visit(referrer.object);
        else updateFields(referrer.object, [{ path: spec.path }], visit);
      }
    }
  }
}

function wasRenamed(resource: Resource): boolean {
  return resource.history.length > 1;
}

/** Referents of one kind by every name they ever had, in build order. */
type ReferentIndex = ReadonlyMap<string, readonly Resource[]>;

function indexByName(resources: readonly Resource[]): ReferentIndex {
  const index = new Map<string, Resource[]>();
  for (const resource of resources) {
    for (const name of new Set(resource.history.map((entry) => entry.name))) {
      const list = index.get(name);
      if (list === undefined) index.set(name, [resource]);
      else list.push(resource);
    }
  }
  return index;
}

interface RewriteContext {
  readonly spec: Referrer;
  readonly kind: string;
  readonly referents: ReferentIndex;
  readonly referrer: Resource;
}

function rewrite(holder: Record<string, unknown>, context: RewriteContext): void {
  const { spec } = context;
  const value = holder[spec.nameField];
  if (typeof value !== 'string') return;
  if (spec.kindField !== undefined && holder[spec.kindField] !== context.kind) return;
  const declaredNamespace = spec.namespaceField === undefined ? undefined : holder[spec.namespaceField];
  const referent = findReferent(
    context,
    value,
    typeof declaredNamespace === 'string' ? declaredNamespace : undefined,
  );
  if (referent === undefined) return;
  holder[spec.nameField] = nameOf(referent.object);
  if (spec.namespaceField !== undefined && namespaceOf(referent.object) !== '') {
    holder[spec.namespaceField] = namespaceOf(referent.object);
  }
}

function findReferent(
  context: RewriteContext,
  name: string,
  declaredNamespace: string | undefined,
): Resource | undefined {
  const named = context.referents.get(name) ?? [];
  if (named.length === 0 || isClusterScoped(context.kind)) return named[0];
  const candidates = named.filter((resource) =>
    namespaceMatches(resource, context.referrer, declaredNamespace),
  );
  if (candidates.some((resource) => nameOf(resource.object) === name && !wasRenamed(resource)))
    return undefined;
  return candidates[0];
}

function namespaceMatches(
  referent: Resource,
  referrer: Resource,
  declaredNamespace: string | undefined,
): boolean {
  if (declaredNamespace !== undefined) {
    const wanted = effectiveNamespace(declaredNamespace);
    return referent.history.some((entry) => effectiveNamespace(entry.namespace) === wanted);
  }
  if (isClusterScopedObject(referrer.object)) return true;
  return (
    namespaceOf(referent.object) === namespaceOf(referrer.object) ||
    referent.history[0]?.namespace === referrer.history[0]?.namespace
  );
}

function effectiveNamespace(namespace: string): string {
  return namespace === '' ? 'default' : namespace;
}
