// The Kustomization as the reconciler reads it: the storage (v1) shape, with the v1beta2/v1beta1
// legacy patch fields folded into `patches` through @flotilla/api's normalisation, and the
// derived settings (timeout, source reference, owner labels).
import { legacyPatchesOf, type KustomizationSpec } from '@flotilla/api';
import { tryParseDuration } from '@flotilla/config';
import type { ApiObject, KubeClient, ResourceType } from '@flotilla/runtime';

export const GROUP = 'kustomize.toolkit.fluxcd.io';
export const FIELD_MANAGER = 'kustomize-controller';
export const REVISION_KEY = `${GROUP}/revision`;
export const ORIGIN_REVISION_KEY = `${GROUP}/originRevision`;
export const OCI_REVISION_ANNOTATION = 'org.opencontainers.image.revision';

export const KUSTOMIZATIONS: ResourceType = {
  group: GROUP,
  version: 'v1',
  kind: 'Kustomization',
  plural: 'kustomizations',
  namespaced: true,
};

export interface KustomizationObject extends ApiObject {
  spec: KustomizationSpec;
  status?: Record<string, unknown>;
}

export interface SourceKey {
  kind: string;
  namespace: string;
  name: string;
}

export function sourceKeyOf(obj: KustomizationObject): SourceKey {
  const ref = obj.spec.sourceRef;
  return { kind: ref.kind, namespace: ref.namespace ?? obj.metadata?.namespace ?? '', name: ref.name };
}

export const sourceKeyString = (key: SourceKey): string => `${key.kind}/${key.namespace}/${key.name}`;

export function ownerLabels(obj: ApiObject): Record<string, string> {
  return {
    [`${GROUP}/name`]: obj.metadata?.name ?? '',
    [`${GROUP}/namespace`]: obj.metadata?.namespace ?? '',
  };
}

const MIN_TIMEOUT_MS = 30_000;

/** spec.timeout, else interval − 30s; never below 30s (kustomize.md §1). */
export function timeoutOf(spec: KustomizationSpec): number {
  const explicit = spec.timeout ? tryParseDuration(spec.timeout) : undefined;
  const interval = tryParseDuration(spec.interval) ?? 600_000;
  return Math.max(explicit ?? interval - 30_000, MIN_TIMEOUT_MS);
}

/** Served versions that have fields v1 lacks. */
export const LEGACY_VERSIONS = ['v1beta2', 'v1beta1'];

/** The legacy version a manager wrote the object through, if any. */
export function writtenInLegacyVersion(obj: ApiObject): string | undefined {
  for (const entry of obj.metadata?.managedFields ?? []) {
    const version = String(entry.apiVersion ?? '').split('/')[1];
    if (version && LEGACY_VERSIONS.includes(version)) return version;
  }
  return undefined;
}

export interface LegacyPatches {
  before: unknown[];
  after: unknown[];
}

/** Where the legacy patch fields of an object can be found (see legacy.ts). */
export interface LegacyPatchSource {
  patchesFor(obj: KustomizationObject): Promise<LegacyPatches | undefined>;
}

/**
 * The spec to reconcile. An object written through v1beta2/v1beta1 may carry legacy patch fields
 * that the v1 view prunes; they are folded into `patches` as @flotilla/api's conversion does.
 * Without a LegacyPatchSource they are read through the old version, which only works until the
 * object is next written through v1.
 */
export async function effectiveSpec(
  client: KubeClient,
  obj: KustomizationObject,
  legacySource?: LegacyPatchSource,
): Promise<KustomizationSpec> {
  const spec = structuredClone(obj.spec);
  const legacy = writtenInLegacyVersion(obj);
  if (!legacy) return spec;
  let patches = await legacySource?.patchesFor(obj);
  if (!legacySource) {
    const view = await client.get(
      { ...KUSTOMIZATIONS, version: legacy },
      obj.metadata?.namespace,
      obj.metadata?.name ?? '',
    );
    patches = legacyPatchesOf((view.spec ?? {}) as Record<string, unknown>);
  }
  if (patches && patches.before.length + patches.after.length > 0) {
    type Patches = NonNullable<KustomizationSpec['patches']>;
    spec.patches = [...(patches.before as Patches), ...(spec.patches ?? []), ...(patches.after as Patches)];
  }
  return spec;
}
