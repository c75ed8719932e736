// The built-in transformers that rewrite names, namespaces, labels and annotations.
import {
  COMMON_ANNOTATION_SPECS,
  COMMON_LABEL_SPECS,
  METADATA_LABEL_SPECS,
  TEMPLATE_LABEL_SPECS,
} from './builtin-field-specs.js';
import { mergeStringMap, updateFields, type FieldSpec } from './field-specs.js';
import {
  groupVersionOf,
  isClusterScopedObject,
  kindOf,
  nameOf,
  namespaceOf,
  setIdentity,
  type KObject,
  type Resource,
} from './resource.js';
import { isObject } from './yaml-io.js';

const NAMESPACE_FIELD_SPECS: readonly FieldSpec[] = [
  { path: 'spec/service/namespace', kind: 'APIService', group: 'apiregistration.k8s.io' },
  {
    path: 'spec/conversion/webhook/clientConfig/service/namespace',
    kind: 'CustomResourceDefinition',
    group: 'apiextensions.k8s.io',
  },
];

export function setNamespace(
  resources: readonly Resource[],
  namespace: string,
  extraSpecs: readonly FieldSpec[] = [],
  options: { readonly builtinSpecs?: boolean } = {},
): void {
  const builtin = options.builtinSpecs ?? true;
  const specs = builtin ? [...NAMESPACE_FIELD_SPECS, ...extraSpecs] : extraSpecs;
  for (const resource of resources) {
    const kind = kindOf(resource.object);
    if (!isClusterScopedObject(resource.object)) setIdentity(resource, namespace, nameOf(resource.object));
    // kustomize's namespace field specs include the name of Namespace objects.
    if (builtin && kind === 'Namespace') setIdentity(resource, '', namespace);
    if (specs.length > 0) {
      updateFields(resource.object, specs, (value) =>
        value === undefined || typeof value === 'string' ? namespace : undefined,
      );
    }
    if (kind === 'RoleBinding' || kind === 'ClusterRoleBinding')
      setDefaultSubjectNamespace(resource.object, namespace);
  }
}

/** kustomize moves the `default` ServiceAccount subject along with the namespace. */
function setDefaultSubjectNamespace(object: KObject, namespace: string): void {
  const subjects = object['subjects'];
  if (!Array.isArray(subjects)) return;
  for (const subject of subjects) {
    if (isObject(subject) && subject['name'] === 'default') subject['namespace'] = namespace;
  }
}

function skipsPrefixSuffix(object: KObject): boolean {
  const kind = kindOf(object);
  if (kind === 'CustomResourceDefinition' || kind === 'Namespace') return true;
  return kind === 'APIService' && groupVersionOf(object).group === 'apiregistration.k8s.io';
}

export function addNamePrefixSuffix(
  resources: readonly Resource[],
  prefix: string,
  suffix: string,
  extra: { readonly prefix?: readonly FieldSpec[]; readonly suffix?: readonly FieldSpec[] } = {},
): void {
  if (prefix === '' && suffix === '') return;
  const prefixSpecs = otherNameFields(extra.prefix);
  const suffixSpecs = otherNameFields(extra.suffix);
  for (const resource of resources) {
    if (skipsPrefixSuffix(resource.object)) continue;
    setIdentity(resource, namespaceOf(resource.object), `${prefix}${nameOf(resource.object)}${suffix}`);
    if (prefix !== '') updateFields(resource.object, prefixSpecs, affix(prefix, ''));
    if (suffix !== '') updateFields(resource.object, suffixSpecs, affix('', suffix));
  }
}

/** Configured name fields other than metadata/name (which moves the resource's identity). */
function otherNameFields(specs: readonly FieldSpec[] | undefined): readonly FieldSpec[] {
  return (specs ?? []).filter((spec) => spec.path !== 'metadata/name');
}

function affix(prefix: string, suffix: string): (value: unknown) => unknown {
  return (value) => (typeof value === 'string' ? `${prefix}${value}${suffix}` : undefined);
}

export interface LabelOptions {
  readonly includeSelectors: boolean;
  readonly includeTemplates: boolean;
  readonly fields?: readonly FieldSpec[];
}

export function labelFieldSpecs(options: LabelOptions): readonly FieldSpec[] {
  if (options.includeSelectors) return [...COMMON_LABEL_SPECS, ...(options.fields ?? [])];
  const templates = options.includeTemplates ? TEMPLATE_LABEL_SPECS : [];
  return [...METADATA_LABEL_SPECS, ...templates, ...(options.fields ?? [])];
}

export function addLabels(
  resources: readonly Resource[],
  labels: Readonly<Record<string, string>>,
  specs: readonly FieldSpec[],
): void {
  if (Object.keys(labels).length === 0) return;
  for (const resource of resources) updateFields(resource.object, specs, mergeStringMap(labels));
}

export function addAnnotations(
  resources: readonly Resource[],
  annotations: Readonly<Record<string, string>>,
  extraSpecs: readonly FieldSpec[] = [],
): void {
  if (Object.keys(annotations).length === 0) return;
  const specs = [...COMMON_ANNOTATION_SPECS, ...extraSpecs];
  for (const resource of resources) updateFields(resource.object, specs, mergeStringMap(annotations));
}
