// CustomResourceDefinition validation (kube-api.md §7) and the ResourceTypes an Established CRD
// serves.
import { structuralViolations, type JSONSchemaProps } from '@flotilla/api';
import { field, type FieldProblem } from './errors.js';
import { getPath, isObject, objectField, type JsonObject, type KubeObject } from './json.js';
import { ALL_VERBS, type ResourceType, type ScaleSubresource } from './resource-types.js';

/** Added when a CRD is deleted; removed once all its custom resources are gone. */
export const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema: JsonObject | undefined;
  statusSubresource: boolean;
  scale: ScaleSubresource | undefined;
  selectableFields: string[];
}

export interface CrdView {
  name: string;
  group: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  namespaced: boolean;
  versions: CrdVersion[];
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

function versionOf(raw: JsonObject): CrdVersion {
  const subresources = objectField(raw, 'subresources') ?? {};
  const scale = objectField(subresources, 'scale');
  const selectable = Array.isArray(raw.selectableFields) ? raw.selectableFields : [];
  return {
    name: String(raw.name ?? ''),
    served: raw.served === true,
    storage: raw.storage === true,
    schema: objectField(objectField(raw, 'schema') ?? {}, 'openAPIV3Schema'),
    statusSubresource: isObject(subresources.status),
    scale: scale
      ? {
          specReplicasPath: String(scale.specReplicasPath ?? '.spec.replicas'),
          statusReplicasPath: String(scale.statusReplicasPath ?? '.status.replicas'),
          ...(typeof scale.labelSelectorPath === 'string'
            ? { labelSelectorPath: scale.labelSelectorPath }
            : {}),
        }
      : undefined,
    selectableFields: selectable
      .map((f) => (isObject(f) && typeof f.jsonPath === 'string' ? f.jsonPath.replace(/^\./, '') : ''))
      .filter(Boolean),
  };
}

/** A typed reading of a CRD object. */
export function readCrd(crd: KubeObject): CrdView {
  const spec = objectField(crd, 'spec') ?? {};
  const names = objectField(spec, 'names') ?? {};
  const kind = String(names.kind ?? '');
  return {
    name: String(crd.metadata?.name ?? ''),
    group: String(spec.group ?? ''),
    kind,
    listKind: String(names.listKind ?? `${kind}List`),
    plural: String(names.plural ?? ''),
    singular: String(names.singular ?? kind.toLowerCase()),
    shortNames: strings(names.shortNames),
    categories: strings(names.categories),
    namespaced: spec.scope === 'Namespaced',
    versions: (Array.isArray(spec.versions) ? spec.versions : []).filter(isObject).map(versionOf),
  };
}

function violationProblem(base: string, violation: string): FieldProblem {
  const colon = violation.indexOf(': ');
  const at = violation.slice(0, colon);
  const detail = violation.slice(colon + 2);
  const path = at === '<root>' || at === '' ? base : `${base}.${at}`;
  if (detail.includes('must be set') || detail.includes('must declare')) return field.required(path, detail);
  if (detail.includes('forbidden') || detail.includes('not allowed') || detail.includes('must not')) {
    return field.forbidden(path, detail);
  }
  return field.invalid(path, '', detail);
}

function validateVersions(spec: JsonObject, problems: FieldProblem[]): CrdVersion[] {
  const rawVersions = Array.isArray(spec.versions) ? spec.versions : [];
  if (rawVersions.length === 0) {
    problems.push(field.required('spec.versions', 'must have exactly one version marked as storage version'));
    return [];
  }
  const versions = rawVersions.filter(isObject).map(versionOf);
  const seen = new Set<string>();
  versions.forEach((version, i) => {
    const path = `spec.versions[${i}]`;
    if (!version.name) problems.push(field.required(`${path}.name`));
    else if (seen.has(version.name)) problems.push(field.duplicate(`${path}.name`, version.name));
    seen.add(version.name);
    if (!version.schema) {
      problems.push(field.required(`${path}.schema.openAPIV3Schema`, 'schemas are required'));
      return;
    }
    for (const violation of structuralViolations(version.schema as JSONSchemaProps)) {
      problems.push(violationProblem(`${path}.schema.openAPIV3Schema`, violation));
    }
  });
  if (versions.filter((v) => v.storage).length !== 1) {
    problems.push(
      field.invalid('spec.versions', rawVersions, 'must have exactly one version marked as storage version'),
    );
  }
  return versions;
}

function validateNames(crd: KubeObject, spec: JsonObject, problems: FieldProblem[]): void {
  const names = objectField(spec, 'names') ?? {};
  const group = typeof spec.group === 'string' ? spec.group : '';
  if (!group) problems.push(field.required('spec.group'));
  else if (!group.includes('.'))
    problems.push(field.invalid('spec.group', group, 'should be a domain with at least one dot'));
  const plural = typeof names.plural === 'string' ? names.plural : '';
  if (!plural) problems.push(field.required('spec.names.plural'));
  else if (plural !== plural.toLowerCase()) {
    problems.push(
      field.invalid(
        'spec.names.plural',
        plural,
        'a lowercase RFC 1123 label must consist of lower case alphanumeric characters',
      ),
    );
  }
  if (typeof names.kind !== 'string' || !names.kind) problems.push(field.required('spec.names.kind'));
  const name = crd.metadata?.name;
  if (name !== `${plural}.${group}`) {
    problems.push(field.invalid('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));
  }
}

/** 422 causes for a CRD create/update. */
export function validateCrd(crd: KubeObject, previous: KubeObject | undefined): FieldProblem[] {
  const spec = objectField(crd, 'spec') ?? {};
  const problems: FieldProblem[] = [];
  validateNames(crd, spec, problems);
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    problems.push(field.notSupported('spec.scope', spec.scope ?? '', ['Cluster', 'Namespaced']));
  }
  const versions = validateVersions(spec, problems);
  if (!previous) return problems;
  const oldSpec = objectField(previous, 'spec') ?? {};
  if (oldSpec.scope !== spec.scope)
    problems.push(field.invalid('spec.scope', spec.scope, 'field is immutable'));
  if (oldSpec.group !== spec.group)
    problems.push(field.invalid('spec.group', spec.group, 'field is immutable'));
  const stored = strings(getPath(previous, ['status', 'storedVersions']));
  stored.forEach((version, i) => {
    if (!versions.some((v) => v.name === version)) {
      problems.push(field.invalid(`status.storedVersions[${i}]`, version, 'must appear in spec.versions'));
    }
  });
  return problems;
}

function fieldReader(path: string): (obj: KubeObject) => string | undefined {
  const segments = path.split('.');
  return (obj) => {
    const value = getPath(obj, segments);
    return value === undefined || value === null ? undefined : String(value);
  };
}

/** The served versions of an accepted CRD as ResourceTypes. */
export function resourceTypesOf(view: CrdView): ResourceType[] {
  const storageVersion = view.versions.find((v) => v.storage)?.name ?? view.versions[0]?.name ?? '';
  return view.versions
    .filter((v) => v.served)
    .map((v) => {
      const type: ResourceType = {
        group: view.group,
        version: v.name,
        kind: view.kind,
        listKind: view.listKind,
        plural: view.plural,
        singular: view.singular,
        namespaced: view.namespaced,
        shortNames: view.shortNames,
        categories: view.categories,
        verbs: ALL_VERBS,
        statusSubresource: v.statusSubresource,
        generation: 'non-metadata',
        builtin: false,
        selectableFields: Object.fromEntries(v.selectableFields.map((f) => [f, fieldReader(f)])),
        storage: `${view.group}/${view.plural}`,
        storageVersion,
        custom: { crdName: view.name, schema: v.schema },
      };
      if (v.scale) type.scale = v.scale;
      return type;
    });
}
