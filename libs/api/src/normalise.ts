// Version normalisation: any served version ⇄ the storage (newest) shape, so controllers work with
// one shape while users keep writing old versions. Upstream CRDs use conversion None (only
// apiVersion is rewritten; the API server prunes what the read version lacks). Here, in addition,
// an old version's `toStorage` hook maps old-only fields where the spec says how (HelmChart
// `valuesFile`, Kustomization legacy patches, ...) and leaves the old fields in place; pruning to
// the storage schema then removes them, and they are kept in a conversion annotation (as
// Kubernetes' own lossy conversions do) so that reading the object back in its old version
// restores them — and the version's `fromStorage` hook, seeing them, takes their mapped copies
// back out. A kept field is only restored while the storage field it lives under (e.g. `spec`) is
// unchanged, so edits made through another version are never undone.
import { createHash } from 'node:crypto';
import { structuralSchemaOf } from './crd.js';
import { parseApiVersion, storageVersion, type KindRegistry, type KindVersion } from './kind-registry.js';
import type { KindSpec, KubeObject, VersionSpec } from './kind-spec.js';
import { kindRegistry } from './registry.js';
import { pruneStructural, type PrunedField } from './structural.js';

/** Metadata annotation holding what an old-version object lost on conversion to the storage shape. */
export const CONVERSION_ANNOTATION = 'api.flotilla.dev/conversion';

/** Content of {@link CONVERSION_ANNOTATION}. */
export interface ConversionRecord {
  /** Version the object was written in. */
  from: string;
  /** Fields pruned from it, with their values. */
  fields: PrunedField[];
  /** Digest of each top-level storage field (e.g. `spec`) the kept fields belong under. */
  guards: Record<string, string>;
}

export class UnknownKindError extends Error {
  constructor(
    readonly apiVersion: string,
    readonly kind: string,
  ) {
    super(`no kind "${kind}" is registered for version "${apiVersion}"`);
    this.name = 'UnknownKindError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function resolve(obj: KubeObject, registry: KindRegistry): KindVersion {
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const found = registry.byApiVersionKind(apiVersion, kind);
  if (!found) throw new UnknownKindError(apiVersion, kind);
  return found;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const digest = (value: unknown): string =>
  createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);

/** The conversion record of an object normalised from an old version, if any. */
export function conversionRecord(obj: KubeObject): ConversionRecord | undefined {
  const annotations = obj.metadata?.annotations;
  const raw = isObject(annotations) ? annotations[CONVERSION_ANNOTATION] : undefined;
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed = JSON.parse(raw) as Partial<ConversionRecord>;
    const valid = typeof parsed.from === 'string' && Array.isArray(parsed.fields) && isObject(parsed.guards);
    return valid ? (parsed as ConversionRecord) : undefined;
  } catch {
    return undefined;
  }
}

function withRecord(obj: KubeObject, record: ConversionRecord | undefined): KubeObject {
  const metadata: Record<string, unknown> = { ...obj.metadata };
  const annotations = isObject(metadata.annotations) ? { ...metadata.annotations } : {};
  delete annotations[CONVERSION_ANNOTATION];
  if (record) annotations[CONVERSION_ANNOTATION] = JSON.stringify(record);
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  else delete metadata.annotations;
  const { metadata: _old, ...rest } = obj;
  return Object.keys(metadata).length > 0 ? { ...rest, metadata } : rest;
}

/** Puts a kept field back where its parent still exists and nothing else took its place. */
function restoreField(obj: KubeObject, field: PrunedField): void {
  let node: unknown = obj;
  for (const segment of field.path.slice(0, -1)) {
    if (Array.isArray(node) && typeof segment === 'number') node = node[segment];
    else if (isObject(node) && typeof segment === 'string') node = node[segment];
    else return;
  }
  const leaf = field.path[field.path.length - 1];
  if (isObject(node) && typeof leaf === 'string' && !(leaf in node))
    node[leaf] = structuredClone(field.value);
}

/** Sets apiVersion to `version` and prunes to its schema, as the API server serves that version. */
function asVersion(obj: KubeObject, kind: KindSpec, version: VersionSpec) {
  obj.apiVersion = `${kind.group}/${version.name}`;
  return pruneStructural(obj, structuralSchemaOf(version));
}

/**
 * Reads an object of any served version into the storage shape: the version's mapping applied,
 * `apiVersion` set to the storage version, fields the storage schema lacks pruned and — for an old
 * version — kept in {@link CONVERSION_ANNOTATION}. Throws {@link UnknownKindError} for an
 * apiVersion/kind that is not served.
 */
export function toStorage(obj: KubeObject, registry: KindRegistry = kindRegistry): KubeObject {
  const { kind, version } = resolve(obj, registry);
  const storage = storageVersion(kind);
  if (version === storage) return asVersion(structuredClone(obj), kind, storage).value;
  let out = withRecord(structuredClone(obj), undefined);
  if (version.toStorage) out = version.toStorage(out);
  const { value, pruned } = asVersion(out, kind, storage);
  if (pruned.length === 0) return value;
  const guards: Record<string, string> = {};
  for (const field of pruned) {
    const top = String(field.path[0]);
    guards[top] = digest(value[top]);
  }
  return withRecord(value, { from: version.name, fields: pruned, guards });
}

/**
 * Writes an object as `version` (inverse of {@link toStorage}): kept fields restored while the
 * storage fields they belong under are unchanged, the version's inverse mapping applied, fields the
 * version lacks pruned. An object not in the storage shape is normalised first.
 */
export function fromStorage(
  obj: KubeObject,
  version: string,
  registry: KindRegistry = kindRegistry,
): KubeObject {
  const stored = toStorage(obj, registry);
  const { kind } = resolve(stored, registry);
  const target = kind.versions.find((v) => v.name === version);
  if (!target) throw new UnknownKindError(`${kind.group}/${version}`, kind.kind);
  if (target === storageVersion(kind)) return stored;
  const record = conversionRecord(stored);
  let out = withRecord(structuredClone(stored), undefined);
  // Guards are checked against the stored object before anything is put back.
  const unchanged = new Set(
    Object.keys(record?.guards ?? {}).filter((top) => record?.guards[top] === digest(stored[top])),
  );
  for (const field of record?.fields ?? []) {
    if (unchanged.has(String(field.path[0]))) restoreField(out, field);
  }
  if (target.fromStorage) out = target.fromStorage(out);
  return asVersion(out, kind, target).value;
}

/** The version name of an object's apiVersion (`v1beta2` for `kustomize.toolkit.fluxcd.io/v1beta2`). */
export function versionOf(obj: KubeObject): string {
  return parseApiVersion(typeof obj.apiVersion === 'string' ? obj.apiVersion : '').version;
}
