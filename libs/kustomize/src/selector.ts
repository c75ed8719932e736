// Patch targets: regular expressions on group/version/kind/name/namespace plus label and
// annotation selectors, matched against the original or the current identity.
import { KustomizeError } from './errors.js';
import { groupVersionOf, kindOf, type KObject, type Resource } from './resource.js';
import { isObject } from './yaml-io.js';

export interface Target {
  readonly group?: string;
  readonly version?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly annotationSelector?: string;
}

export function toTarget(value: unknown, file: string): Target {
  if (!isObject(value))
    throw new KustomizeError('INVALID_KUSTOMIZATION', 'a patch target must be a mapping', file);
  const target: Record<string, string> = {};
  for (const key of [
    'group',
    'version',
    'kind',
    'name',
    'namespace',
    'labelSelector',
    'annotationSelector',
  ]) {
    const entry = value[key];
    if (entry !== undefined && entry !== null && entry !== '') target[key] = String(entry);
  }
  return target;
}

function anchored(pattern: string | undefined): RegExp | undefined {
  return pattern === undefined ? undefined : new RegExp(`^(?:${pattern})$`);
}

export function selectResources(resources: readonly Resource[], target: Target): Resource[] {
  const patterns = {
    group: anchored(target.group),
    version: anchored(target.version),
    kind: anchored(target.kind),
    name: anchored(target.name),
    namespace: anchored(target.namespace),
  };
  const labels = target.labelSelector === undefined ? undefined : parseSelector(target.labelSelector);
  const annotations =
    target.annotationSelector === undefined ? undefined : parseSelector(target.annotationSelector);
  return resources.filter((resource) => {
    const { group, version } = groupVersionOf(resource.object);
    if (!test(patterns.group, group) || !test(patterns.version, version)) return false;
    if (!test(patterns.kind, kindOf(resource.object))) return false;
    const first = resource.history[0];
    const last = resource.history[resource.history.length - 1];
    if (!test(patterns.name, first?.name) && !test(patterns.name, last?.name)) return false;
    if (!test(patterns.namespace, first?.namespace) && !test(patterns.namespace, last?.namespace))
      return false;
    return (
      selectorMatches(labels, metadataMap(resource.object, 'labels')) &&
      selectorMatches(annotations, metadataMap(resource.object, 'annotations'))
    );
  });
}

function test(pattern: RegExp | undefined, value: string | undefined): boolean {
  return pattern === undefined || pattern.test(value ?? '');
}

function metadataMap(object: KObject, field: string): Record<string, string> {
  const metadata = object['metadata'];
  const map = isObject(metadata) ? metadata[field] : undefined;
  if (!isObject(map)) return {};
  return Object.fromEntries(Object.entries(map).map(([key, value]) => [key, String(value)]));
}

type Requirement =
  { op: 'exists' | 'notExists'; key: string } | { op: 'in' | 'notIn'; key: string; values: string[] };

/** Kubernetes label selector syntax: `a=b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`. */
export function parseSelector(text: string): Requirement[] {
  const parts = text.match(/[^,(]+(\([^)]*\))?/g) ?? [];
  return parts
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map(parseRequirement);
}

function parseRequirement(part: string): Requirement {
  const setMatch = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
  if (setMatch !== null) {
    const values = (setMatch[3] ?? '').split(',').map((value) => value.trim());
    return { op: setMatch[2] === 'in' ? 'in' : 'notIn', key: setMatch[1] ?? '', values };
  }
  const equality = /^([^!=\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
  if (equality !== null) {
    const op = equality[2] === '!=' ? 'notIn' : 'in';
    return { op, key: equality[1] ?? '', values: [(equality[3] ?? '').trim()] };
  }
  if (part.startsWith('!')) return { op: 'notExists', key: part.slice(1).trim() };
  return { op: 'exists', key: part };
}

function selectorMatches(requirements: Requirement[] | undefined, map: Record<string, string>): boolean {
  if (requirements === undefined) return true;
  return requirements.every((requirement) => {
    const value = map[requirement.key];
    switch (requirement.op) {
      case 'exists':
        return value !== undefined;
      case 'notExists':
        return value === undefined;
      case 'in':
        return value !== undefined && requirement.values.includes(value);
      case 'notIn':
        return value === undefined || !requirement.values.includes(value);
    }
  });
}
