// A resource in the build: the object plus the identity history kustomize keeps to match patches
// and rewrite name references after prefixes, suffixes, namespaces and hashes changed it.

export type KObject = Record<string, unknown>;

export interface Resource {
  object: KObject;
  /** Every (namespace, name) the resource had, oldest first; the last one is the current one. */
  readonly history: Array<{ namespace: string; name: string }>;
  /** Set on ConfigMaps/Secrets made by a generator. */
  generated?: { hashSuffix: boolean };
  /** Where the resource came from (buildMetadata: originAnnotations). */
  origin?: Origin;
  /** Transformers that ran over the resource, oldest first (buildMetadata: transformerAnnotations). */
  transformations?: TransformerRecord[];
}

/** The plugin (built-in generator or transformer) that made or changed a resource. */
export interface PluginRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name?: string;
  readonly namespace?: string;
}

/** kustomize's Origin: a file (`path`, with `repo`/`ref` for remote bases) or a generator. */
export interface Origin {
  readonly path?: string;
  readonly repo?: string;
  readonly ref?: string;
  readonly configuredIn?: string;
  readonly configuredBy?: PluginRef;
}

export interface TransformerRecord {
  readonly configuredIn: string;
  readonly configuredBy: PluginRef;
}

export function newResource(object: KObject, origin?: Origin): Resource {
  const resource: Resource = { object, history: [{ namespace: namespaceOf(object), name: nameOf(object) }] };
  if (origin !== undefined) resource.origin = origin;
  return resource;
}

/** Records the current name/namespace after a change made outside setIdentity (JSON patches). */
export function syncIdentity(resource: Resource): void {
  setIdentity(resource, namespaceOf(resource.object), nameOf(resource.object));
}

export function metadataOf(object: KObject): KObject {
  const metadata = object['metadata'];
  if (typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata))
    return metadata as KObject;
  const created: KObject = {};
  object['metadata'] = created;
  return created;
}

export function nameOf(object: KObject): string {
  const name = (object['metadata'] as KObject | undefined)?.['name'];
  return typeof name === 'string' ? name : '';
}

export function namespaceOf(object: KObject): string {
  const namespace = (object['metadata'] as KObject | undefined)?.['namespace'];
  return typeof namespace === 'string' ? namespace : '';
}

export function kindOf(object: KObject): string {
  return typeof object['kind'] === 'string' ? object['kind'] : '';
}

export function apiVersionOf(object: KObject): string {
  return typeof object['apiVersion'] === 'string' ? object['apiVersion'] : '';
}

export function groupVersionOf(object: KObject): { group: string; version: string } {
  const apiVersion = apiVersionOf(object);
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** Renames the resource and records the new identity. */
export function setIdentity(resource: Resource, namespace: string, name: string): void {
  const metadata = metadataOf(resource.object);
  metadata['name'] = name;
  if (namespace === '') delete metadata['namespace'];
  else metadata['namespace'] = namespace;
  const last = resource.history[resource.history.length - 1];
  if (last?.name !== name || last.namespace !== namespace) resource.history.push({ namespace, name });
}

/**
 * The resource's id as kustomize compares them: an empty namespace equals `default` for
 * namespaced kinds, and cluster-scoped kinds have none.
 */
export function currentId(resource: Resource): string {
  const { group, version } = groupVersionOf(resource.object);
  const ns = isClusterScopedObject(resource.object) ? '' : namespaceOf(resource.object) || 'default';
  return `${kindOf(resource.object)}.${version}.${group}/${nameOf(resource.object)}.${ns}`;
}

export function describe(resource: Resource): string {
  const ns = namespaceOf(resource.object);
  return `${kindOf(resource.object)} ${ns === '' ? '' : `${ns}/`}${nameOf(resource.object)}`;
}

/** Whether any former or current identity of the resource has this name. */
export function hadName(resource: Resource, name: string): boolean {
  return resource.history.some((entry) => entry.name === name);
}

const CLUSTER_SCOPED = new Set([
  'APIService',
  'CSIDriver',
  'CSINode',
  'CertificateSigningRequest',
  'ClusterRole',
  'ClusterRoleBinding',
  'ComponentStatus',
  'CustomResourceDefinition',
  'IngressClass',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PodSecurityPolicy',
  'PriorityClass',
  'RuntimeClass',
  'SelfSubjectAccessReview',
  'SelfSubjectRulesReview',
  'StorageClass',
  'SubjectAccessReview',
  'TokenReview',
  'ValidatingWebhookConfiguration',
  'VolumeAttachment',
]);

/** Kinds kustomize's bundled schema (Kubernetes 1.21) knows only in some API versions. */
const CLUSTER_SCOPED_VERSIONS: Readonly<Record<string, readonly string[]>> = {
  FlowSchema: ['flowcontrol.apiserver.k8s.io/v1alpha1', 'flowcontrol.apiserver.k8s.io/v1beta1'],
  PriorityLevelConfiguration: [
    'flowcontrol.apiserver.k8s.io/v1alpha1',
    'flowcontrol.apiserver.k8s.io/v1beta1',
  ],
};

/** Cluster-scoped as kustomize decides it: from its bundled schema; unknown kinds are namespaced. */
export function isClusterScoped(kind: string, apiVersion?: string): boolean {
  const versions = CLUSTER_SCOPED_VERSIONS[kind];
  if (versions !== undefined) return apiVersion === undefined || versions.includes(apiVersion);
  return CLUSTER_SCOPED.has(kind);
}

export function isClusterScopedObject(object: KObject): boolean {
  return isClusterScoped(kindOf(object), apiVersionOf(object));
}
