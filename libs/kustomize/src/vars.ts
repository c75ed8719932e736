// Legacy `vars`: `$(NAME)` in the var-reference fields is replaced by a field of a resource,
// resolved once at the root after names are final.
import { KustomizeError } from './errors.js';
import { updateFields, type FieldSpec } from './field-specs.js';
import { locateFields, readLocation } from './field-path.js';
import type { LoadedKustomization } from './kustomization.js';
import { groupVersionOf, kindOf, namespaceOf, type Resource } from './resource.js';
import { isObject } from './yaml-io.js';

export interface VarDefinition {
  readonly name: string;
  readonly objref: Record<string, unknown>;
  readonly fieldPath: string;
}

const POD_SPECS: ReadonlyArray<readonly [string, string]> = [
  ['Pod', 'spec'],
  ['Deployment', 'spec/template/spec'],
  ['ReplicaSet', 'spec/template/spec'],
  ['DaemonSet', 'spec/template/spec'],
  ['StatefulSet', 'spec/template/spec'],
  ['Job', 'spec/template/spec'],
  ['ReplicationController', 'spec/template/spec'],
  ['CronJob', 'spec/jobTemplate/spec/template/spec'],
];

/** The fields kustomize substitutes vars in by default (container commands, args and env values, ingress hosts). */
export const BUILTIN_VAR_REFERENCES: readonly FieldSpec[] = [
  ...POD_SPECS.flatMap(([kind, prefix]) =>
    ['containers', 'initContainers'].flatMap((list) =>
      ['args', 'command', 'env/value'].map((field) => ({ kind, path: `${prefix}/${list}/${field}` })),
    ),
  ),
  { kind: 'Ingress', path: 'spec/rules/host' },
  { kind: 'Ingress', path: 'spec/tls/hosts' },
  { kind: 'Ingress', path: 'spec/tls/secretName' },
];

export function loadVars(loaded: LoadedKustomization, file: string): VarDefinition[] {
  const entries = loaded.kustomization['vars'];
  if (!Array.isArray(entries)) return [];
  return entries.map((entry: unknown) => {
    if (!isObject(entry) || typeof entry['name'] !== 'string' || !isObject(entry['objref'])) {
      throw new KustomizeError('INVALID_KUSTOMIZATION', 'a var needs a name and an objref', file);
    }
    const fieldref = isObject(entry['fieldref']) ? entry['fieldref'] : {};
    const fieldPath = typeof fieldref['fieldpath'] === 'string' ? fieldref['fieldpath'] : 'metadata.name';
    return { name: entry['name'], objref: entry['objref'], fieldPath };
  });
}

export function addVars(into: VarDefinition[], vars: readonly VarDefinition[], file: string): void {
  for (const definition of vars) {
    if (into.some((known) => known.name === definition.name)) {
      throw new KustomizeError('INVALID_KUSTOMIZATION', `var '${definition.name}' already encountered`, file);
    }
    into.push(definition);
  }
}

export function resolveVars(
  resources: readonly Resource[],
  vars: readonly VarDefinition[],
  references: readonly FieldSpec[],
): void {
  if (vars.length === 0) return;
  const values = new Map(vars.map((definition) => [definition.name, varValue(resources, definition)]));
  for (const resource of resources) {
    updateFields(resource.object, references, (value) => substitute(value, values));
  }
}

function varValue(resources: readonly Resource[], definition: VarDefinition): unknown {
  const { objref } = definition;
  const matches = resources.filter((resource) => refersTo(resource, objref));
  if (matches.length !== 1) {
    const problem =
      matches.length === 0
        ? 'cannot be mapped to a field in the set of known resources'
        : 'matches several resources';
    throw new KustomizeError('INVALID_KUSTOMIZATION', `var '${definition.name}' ${problem}`);
  }
  const [location] = locateFields((matches[0] as Resource).object, definition.fieldPath, false);
  if (location === undefined) {
    throw new KustomizeError(
      'INVALID_KUSTOMIZATION',
      `field '${definition.fieldPath}' of var '${definition.name}' not found`,
    );
  }
  return readLocation(location);
}

function refersTo(resource: Resource, objref: Record<string, unknown>): boolean {
  if (objref['kind'] !== undefined && objref['kind'] !== kindOf(resource.object)) return false;
  if (typeof objref['name'] === 'string' && !resource.history.some((entry) => entry.name === objref['name']))
    return false;
  if (typeof objref['namespace'] === 'string' && objref['namespace'] !== namespaceOf(resource.object))
    return false;
  const apiVersion = typeof objref['apiVersion'] === 'string' ? objref['apiVersion'] : '';
  if (apiVersion === '') return true;
  const { group, version } = groupVersionOf(resource.object);
  const wanted = apiVersion.includes('/') ? apiVersion : `${group}/${apiVersion}`;
  return wanted === `${group}/${version}` || (group === '' && wanted === `/${version}`);
}

const VAR_PATTERN = /\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g;

function substitute(value: unknown, values: ReadonlyMap<string, unknown>): unknown {
  if (Array.isArray(value)) return value.map((item) => substitute(item, values));
  if (typeof value !== 'string') return undefined;
  const whole = /^\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)$/.exec(value);
  if (whole !== null && values.has(whole[1] as string)) return values.get(whole[1] as string);
  return value.replace(VAR_PATTERN, (match, name: string) =>
    values.has(name) ? String(values.get(name)) : match,
  );
}
