// What every source kind shares: the object shape the reconcilers read (storage version), its
// storage reference, Secrets from its namespace, and the operation timeout.
import type { ObjectRef } from '@flotilla/artifacts';
import { tryParseDuration } from '@flotilla/config';
import { isNotFound, type ApiObject, type KubeClient, type ResourceType } from '@flotilla/runtime';
import type { Artifact } from './storage.js';

export interface SourceStatus {
  observedGeneration?: number;
  artifact?: Artifact;
  url?: string;
  lastHandledReconcileAt?: string;
  [field: string]: unknown;
}

export interface SourceObject<Spec = object> extends ApiObject {
  spec: Spec & { interval?: string; timeout?: string; suspend?: boolean };
  status?: SourceStatus;
}

const GROUP = 'source.toolkit.fluxcd.io';

export const SOURCE_RESOURCES = {
  GitRepository: {
    group: GROUP,
    version: 'v1',
    kind: 'GitRepository',
    plural: 'gitrepositories',
    namespaced: true,
  },
  OCIRepository: {
    group: GROUP,
    version: 'v1',
    kind: 'OCIRepository',
    plural: 'ocirepositories',
    namespaced: true,
  },
  HelmRepository: {
    group: GROUP,
    version: 'v1',
    kind: 'HelmRepository',
    plural: 'helmrepositories',
    namespaced: true,
  },
  HelmChart: { group: GROUP, version: 'v1', kind: 'HelmChart', plural: 'helmcharts', namespaced: true },
  Bucket: { group: GROUP, version: 'v1', kind: 'Bucket', plural: 'buckets', namespaced: true },
} as const satisfies Record<string, ResourceType>;

export type SourceKind = keyof typeof SOURCE_RESOURCES;

export const SECRETS: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  namespaced: true,
};

export function refOf(kind: string, obj: ApiObject): ObjectRef {
  return { kind, namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? '' };
}

/** spec.timeout in ms (default 60s). */
export function timeoutOf(obj: SourceObject): number {
  return (obj.spec.timeout ? tryParseDuration(obj.spec.timeout) : undefined) ?? 60_000;
}

/** A signal aborting after the object's timeout or with the reconcile. */
export function timeoutSignal(obj: SourceObject, parent: AbortSignal): AbortSignal {
  return AbortSignal.any([parent, AbortSignal.timeout(timeoutOf(obj))]);
}

export class SecretNotFoundError extends Error {
  constructor(
    readonly namespace: string,
    readonly secretName: string,
  ) {
    super(`secrets "${secretName}" not found`);
    this.name = 'SecretNotFoundError';
  }
}

/** A Secret's `data` decoded to UTF-8 strings (`stringData` merged, as the API server would). */
export async function readSecret(
  kube: KubeClient,
  namespace: string,
  name: string,
): Promise<Record<string, string>> {
  let secret: ApiObject & { data?: Record<string, string>; stringData?: Record<string, string> };
  try {
    secret = await kube.get(SECRETS, namespace, name);
  } catch (error) {
    if (isNotFound(error)) throw new SecretNotFoundError(namespace, name);
    throw error;
  }
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(secret.data ?? {}))
    values[key] = Buffer.from(value, 'base64').toString('utf8');
  return { ...values, ...secret.stringData };
}

/** Reads `ref.name`'s Secret when a reference is given. */
export async function readSecretRef(
  kube: KubeClient,
  namespace: string,
  ref: { name?: string } | undefined,
): Promise<Record<string, string> | undefined> {
  return ref?.name ? readSecret(kube, namespace, ref.name) : undefined;
}
