// The /scale subresource: an autoscaling/v1 Scale view of spec.replicas, status.replicas and the
// label selector, for workloads and CRs that enable it.
import type { KubeApiCore } from './core.js';
import { badRequest } from './errors.js';
import { getPath, isObject, metaOf, setPath, type KubeObject } from './json.js';
import type { PatchEngine, PatchKind } from './patching.js';
import type { ResourceType, ScaleSubresource } from './resource-types.js';
import { formatLabelSelector, labelSelectorFromObject } from './selectors.js';
import { updateObject, type WriteOptions } from './writes.js';

const segments = (jsonPath: string) => jsonPath.replace(/^\./, '').split('.');

function selectorText(obj: KubeObject, scale: ScaleSubresource): string | undefined {
  if (!scale.labelSelectorPath) return undefined;
  const value = getPath(obj, segments(scale.labelSelectorPath));
  if (typeof value === 'string') return value;
  return isObject(value) ? formatLabelSelector(labelSelectorFromObject(value)) : undefined;
}

export function scaleOf(obj: KubeObject, scale: ScaleSubresource): KubeObject {
  const metadata = metaOf(obj);
  const status: Record<string, unknown> = {
    replicas: Number(getPath(obj, segments(scale.statusReplicasPath)) ?? 0),
  };
  const selector = selectorText(obj, scale);
  if (selector !== undefined) status.selector = selector;
  const scaleMeta: Record<string, unknown> = {};
  for (const key of ['name', 'namespace', 'uid', 'resourceVersion', 'creationTimestamp']) {
    if (metadata[key] !== undefined) scaleMeta[key] = metadata[key];
  }
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: scaleMeta,
    spec: { replicas: Number(getPath(obj, segments(scale.specReplicasPath)) ?? 0) },
    status,
  };
}

export interface ScaleWrite {
  type: ResourceType;
  namespace: string;
  name: string;
  /** PUT body, or undefined with a patch. */
  body?: KubeObject;
  patch?: { kind: PatchKind; document: unknown; engine: PatchEngine };
}

/** PUT/PATCH …/scale: writes spec.replicas of the object (honouring a resourceVersion in the Scale). */
export function writeScale(core: KubeApiCore, write: ScaleWrite, options: WriteOptions): KubeObject {
  const scale = write.type.scale as ScaleSubresource;
  const live = core.view(write.type, core.mustGet(write.type, write.namespace, write.name));
  let desired = write.body ?? scaleOf(live, scale);
  if (write.patch) {
    const { kind, document, engine } = write.patch;
    if (kind === 'apply') throw badRequest('apply is not supported on the scale subresource by this server');
    desired = kind === 'json' ? engine.json(desired, document) : engine.merge(desired, document);
  }
  const replicas = getPath(desired, ['spec', 'replicas']);
  if (typeof replicas !== 'number') throw badRequest('spec.replicas must be an integer');
  const next = structuredClone(live);
  setPath(next, segments(scale.specReplicasPath), replicas);
  const rv = metaOf(desired).resourceVersion;
  next.metadata = {
    ...metaOf(next),
    resourceVersion: typeof rv === 'string' && rv ? rv : metaOf(live).resourceVersion,
  };
  const updated = updateObject(
    core,
    {
      type: write.type,
      namespace: write.namespace,
      name: write.name,
      body: next,
      subresource: undefined,
      requireResourceVersion: false,
    },
    options,
  );
  return scaleOf(updated, scale);
}
