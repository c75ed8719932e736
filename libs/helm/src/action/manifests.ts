/**
 * Helm's releaseutil: rendered templates split into YAML documents, hooks separated by their
 * `helm.sh/hook` annotation, and both sorted by kind in install order (stable otherwise).
 */
import jsyaml, { CORE_SCHEMA, load, loadAll, YAMLException, type Type } from 'js-yaml';
import { HelmError } from '../chart/errors.js';

/** Helm's InstallOrder. */
export const INSTALL_ORDER: readonly string[] = [
  'PriorityClass',
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'SecretList',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleList',
  'ClusterRoleBinding',
  'ClusterRoleBindingList',
  'Role',
  'RoleList',
  'RoleBinding',
  'RoleBindingList',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
];

export const HOOK_ANNOTATION = 'helm.sh/hook';
export const HOOK_WEIGHT_ANNOTATION = 'helm.sh/hook-weight';
export const HOOK_DELETE_ANNOTATION = 'helm.sh/hook-delete-policy';

/** Hook events Helm knows; `test-success` is the old name of `test`. */
const HOOK_EVENTS: Record<string, string> = {
  'pre-install': 'pre-install',
  'post-install': 'post-install',
  'pre-delete': 'pre-delete',
  'post-delete': 'post-delete',
  'pre-upgrade': 'pre-upgrade',
  'post-upgrade': 'post-upgrade',
  'pre-rollback': 'pre-rollback',
  'post-rollback': 'post-rollback',
  test: 'test',
  'test-success': 'test',
};

/** The fields Helm reads from every document (releaseutil.SimpleHead). */
export interface SimpleHead {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; annotations?: Record<string, string> };
}

export interface Manifest {
  /** Template path, e.g. `mychart/templates/deployment.yaml`. */
  name: string;
  content: string;
  head: SimpleHead;
}

export interface Hook {
  name: string;
  kind: string;
  path: string;
  manifest: string;
  events: string[];
  weight: number;
  deletePolicies: string[];
}

// Go's \s is ASCII whitespace only.
const SEPARATOR = /(?:^|[\t\n\f\r ]*\n)---[\t\n\f\r ]*/;

/** unicode.IsSpace (not U+FEFF, which JavaScript's trim also removes). */
function isGoSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** strings.TrimSpace. A scan, not a regex: an anchored `\s+$` re-scans every run of spaces. */
export function goTrimSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isGoSpace(s.charCodeAt(start))) start++;
  while (end > start && isGoSpace(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/** releaseutil.SplitManifests: documents in order (Helm's manifest-N keys sorted by N). */
export function splitManifests(bigFile: string): string[] {
  const docs = goTrimSpace(bigFile).split(SEPARATOR);
  const out: string[] = [];
  for (const d of docs) if (d !== '') out.push(goTrimSpace(d));
  return out;
}

/** YAML 1.2 core scalars (no timestamps: go-yaml keeps them as text) plus merge keys. */
// js-yaml exports its built-in types at run time; its type declarations do not list them.
const { merge } = (jsyaml as unknown as { types: { merge: Type } }).types;
const SCHEMA = CORE_SCHEMA.extend([merge]);
// json: later duplicate keys win, as go-yaml v2 lets them.
const LOAD_OPTIONS = { json: true, schema: SCHEMA };

/** One document as a plain value; js-yaml is several times faster than `yaml` on rendered output. */
function loadDocument(doc: string): unknown {
  try {
    return load(doc, LOAD_OPTIONS);
  } catch (error) {
    // go-yaml decodes the first document of a stream and ignores the rest.
    if (error instanceof YAMLException && error.reason.startsWith('expected a single document'))
      return loadAll(doc, undefined, LOAD_OPTIONS)[0];
    throw error;
  }
}

function parseError(path: string, message: string): HelmError {
  return new HelmError(`YAML parse error on ${path}: ${message}`);
}

/** yaml.Unmarshal into releaseutil.SimpleHead, failing like Helm on invalid YAML or mistyped fields. */
export function parseHead(doc: string, path: string): SimpleHead {
  let value: unknown;
  try {
    value = loadDocument(doc);
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    const line = error.mark === undefined ? '' : `line ${error.mark.line + 1}: `;
    throw parseError(path, `error converting YAML to JSON: yaml: ${line}${error.reason}`);
  }
  return headOf(value, path);
}

/** JSON's name of a value's type, as encoding/json reports a mismatch. */
function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'object' ? 'object' : typeof v;
}

/**
 * A string field of SimpleHead. sigs.k8s.io/yaml turns scalars into the text a string target
 * wants (numbers, booleans); only maps and lists fail to unmarshal.
 */
function str(v: unknown, field: string, path: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw parseError(
    path,
    `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(v)} into Go struct field ${field} of type string`,
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function headOf(value: unknown, path: string): SimpleHead {
  if (value === null || value === undefined) return {};
  if (!isObject(value))
    throw parseError(
      path,
      `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${jsonKind(value)} into Go value of type releaseutil.SimpleHead`,
    );
  const head: SimpleHead = {};
  const apiVersion = str(value['apiVersion'], 'SimpleHead.apiVersion', path);
  if (apiVersion !== undefined) head.apiVersion = apiVersion;
  const kind = str(value['kind'], 'SimpleHead.kind', path);
  if (kind !== undefined) head.kind = kind;
  const metadata = value['metadata'];
  if (!isObject(metadata)) return head;
  head.metadata = {};
  const name = str(metadata['name'], 'SimpleHead.metadata.name', path);
  if (name !== undefined) head.metadata.name = name;
  const annotations = metadata['annotations'];
  if (isObject(annotations)) {
    head.metadata.annotations = {};
    for (const [k, v] of Object.entries(annotations))
      head.metadata.annotations[k] = str(v, 'SimpleHead.metadata.annotations', path) ?? '';
  }
  return head;
}

function hookWeight(head: SimpleHead): number {
  const raw = head.metadata?.annotations?.[HOOK_WEIGHT_ANNOTATION];
  if (raw === undefined || !/^[+-]?\d+$/.test(raw)) return 0;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : 0;
}

function hookFor(head: SimpleHead, path: string, doc: string, hookTypes: string): Hook | undefined {
  const events: string[] = [];
  for (const t of hookTypes.split(',')) {
    const event = HOOK_EVENTS[t.trim().toLowerCase()];
    // Helm skips a manifest with an unknown hook event entirely.
    if (event === undefined) return undefined;
    events.push(event);
  }
  const deletePolicies = (head.metadata?.annotations?.[HOOK_DELETE_ANNOTATION] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return {
    name: head.metadata?.name ?? '',
    kind: head.kind ?? '',
    path,
    manifest: doc,
    events,
    weight: hookWeight(head),
    deletePolicies,
  };
}

const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * releaseutil.SortManifests: files in path order (partials and blank files skipped), each split
 * into documents, hooks separated, then both lists sorted by kind.
 */
export function sortManifests(
  files: Record<string, string>,
  order: readonly string[] = INSTALL_ORDER,
): { hooks: Hook[]; manifests: Manifest[] } {
  const hooks: Hook[] = [];
  const manifests: Manifest[] = [];
  for (const path of Object.keys(files).sort(byteOrder)) {
    const content = files[path] as string;
    const base = path.slice(path.lastIndexOf('/') + 1);
    if (base.startsWith('_') || content.trim() === '') continue;
    for (const doc of splitManifests(content)) {
      const head = parseHead(doc, path);
      const hookTypes = head.metadata?.annotations?.[HOOK_ANNOTATION];
      if (hookTypes === undefined) {
        manifests.push({ name: path, content: doc, head });
        continue;
      }
      const hook = hookFor(head, path, doc, hookTypes);
      if (hook !== undefined) hooks.push(hook);
    }
  }
  return {
    hooks: sortByKind(hooks, (h) => h.kind, order),
    manifests: sortByKind(manifests, (m) => m.head.kind ?? '', order),
  };
}

/** Helm's lessByKind as a stable sort: known kinds in order, unknown kinds last and alphabetical. */
export function sortByKind<T>(items: T[], kindOf: (item: T) => string, order: readonly string[]): T[] {
  const rank = new Map(order.map((k, i) => [k, i]));
  return items
    .map((item, index) => ({ item, index, kind: kindOf(item) }))
    .sort((a, b) => {
      const ra = rank.get(a.kind);
      const rb = rank.get(b.kind);
      if (ra === undefined && rb === undefined)
        return a.kind === b.kind ? a.index - b.index : byteOrder(a.kind, b.kind);
      if (ra === undefined) return 1;
      if (rb === undefined) return -1;
      return ra - rb || a.index - b.index;
    })
    .map((x) => x.item);
}

export function isTestHook(hook: Hook): boolean {
  return hook.events.includes('test');
}
