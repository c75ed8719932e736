// DELETE and deletecollection (kube-api.md §3): preconditions, propagation policies turned into the
// orphan/foregroundDeletion finalizers, graceful termination via deletionTimestamp, immediate
// removal otherwise.
import {
  finalizersOf,
  groupResourceOf,
  isTerminating,
  namespaceFinalizersOf,
  type KubeApiCore,
} from './core.js';
import { CRD_CLEANUP_FINALIZER } from './crd-rules.js';
import { badRequest, conflictMessage, staleResourceVersion } from './errors.js';
import { getPath, isObject, metaOf, type JsonObject, type KubeObject } from './json.js';
import type { ResourceType } from './resource-types.js';
import { formatTime } from './time.js';

export type PropagationPolicy = 'Orphan' | 'Background' | 'Foreground';

export interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun: boolean;
}

export interface DeleteOutcome {
  /** Removed at once (true) or marked terminating (false). */
  removed: boolean;
  /** The object's last state (removed) or its terminating state. */
  object: KubeObject;
}

/** Reads DeleteOptions from a request body (which wins when non-empty) or the query. */
export function parseDeleteOptions(body: unknown, query: URLSearchParams, dryRun: boolean): DeleteOptions {
  const source: JsonObject = isObject(body) && Object.keys(body).length > 0 ? body : queryOptions(query);
  const policy = source.propagationPolicy;
  if (policy !== undefined && policy !== 'Orphan' && policy !== 'Background' && policy !== 'Foreground') {
    throw badRequest(`propagationPolicy: Unsupported value: "${String(policy)}"`);
  }
  const options: DeleteOptions = {
    dryRun: dryRun || (Array.isArray(source.dryRun) && source.dryRun.includes('All')),
  };
  if (policy) options.propagationPolicy = policy;
  else if (source.orphanDependents === true) options.propagationPolicy = 'Orphan';
  if (typeof source.gracePeriodSeconds === 'number') options.gracePeriodSeconds = source.gracePeriodSeconds;
  if (isObject(source.preconditions))
    options.preconditions = source.preconditions as DeleteOptions['preconditions'];
  return options;
}

function queryOptions(query: URLSearchParams): JsonObject {
  const out: JsonObject = {};
  const policy = query.get('propagationPolicy');
  if (policy) out.propagationPolicy = policy;
  const grace = query.get('gracePeriodSeconds');
  if (grace !== null && grace !== '') out.gracePeriodSeconds = Number(grace);
  if (query.get('orphanDependents') === 'true') out.orphanDependents = true;
  return out;
}

function checkDeletePreconditions(type: ResourceType, live: KubeObject, options: DeleteOptions): void {
  const pre = options.preconditions;
  const name = String(metaOf(live).name);
  if (pre?.uid && pre.uid !== metaOf(live).uid) {
    throw conflictMessage(
      groupResourceOf(type),
      name,
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${String(metaOf(live).uid)}`,
    );
  }
  if (pre?.resourceVersion && pre.resourceVersion !== metaOf(live).resourceVersion) {
    throw staleResourceVersion(groupResourceOf(type), name);
  }
}

/** Finalizers a DELETE adds: orphan/foregroundDeletion for GC policies, CRD cleanup for CRDs. */
function addedFinalizers(core: KubeApiCore, type: ResourceType, options: DeleteOptions): string[] {
  const added: string[] = [];
  if (type.group === 'apiextensions.k8s.io' && type.kind === 'CustomResourceDefinition')
    added.push(CRD_CLEANUP_FINALIZER);
  if (!core.options.garbageCollection) return added;
  if (options.propagationPolicy === 'Orphan') added.push('orphan');
  if (options.propagationPolicy === 'Foreground') added.push('foregroundDeletion');
  return added;
}

function withFinalizers(live: KubeObject, added: string[]): string[] {
  const finalizers = finalizersOf(live);
  return [...finalizers, ...added.filter((f) => !finalizers.includes(f))];
}

const isPod = (type: ResourceType) => type.group === '' && type.kind === 'Pod';

/** Pods bound to a node terminate gracefully (the kubelet finishes them); others go at once. */
function podGraceSeconds(type: ResourceType, live: KubeObject, options: DeleteOptions): number {
  if (!isPod(type) || !getPath(live, ['spec', 'nodeName'])) return 0;
  const fromSpec = getPath(live, ['spec', 'terminationGracePeriodSeconds']);
  return options.gracePeriodSeconds ?? (typeof fromSpec === 'number' ? fromSpec : 30);
}

function markTerminating(
  core: KubeApiCore,
  type: ResourceType,
  live: KubeObject,
  added: string[],
  grace = 0,
): KubeObject {
  const metadata = { ...metaOf(live) };
  const finalizers = withFinalizers(live, added);
  if (finalizers.length > 0) metadata.finalizers = finalizers;
  metadata.deletionTimestamp = formatTime(new Date(core.now().getTime() + grace * 1000));
  metadata.deletionGracePeriodSeconds = grace;
  if (typeof metadata.generation === 'number' && metadata.generation > 0) metadata.generation += 1;
  const next: KubeObject = { ...live, metadata };
  if (type.kind === 'Namespace' && type.group === '') {
    next.status = { ...(isObject(live.status) ? live.status : {}), phase: 'Terminating' };
  }
  return next;
}

/** DELETE of one object. */
export function deleteObject(
  core: KubeApiCore,
  type: ResourceType,
  namespace: string,
  name: string,
  options: DeleteOptions,
): DeleteOutcome {
  const live = core.mustGet(type, namespace, name);
  checkDeletePreconditions(type, live, options);
  const added = addedFinalizers(core, type, options);
  if (isTerminating(live)) return deleteTerminating(core, type, live, { options, added });
  const grace = podGraceSeconds(type, live, options);
  const pending =
    finalizersOf(live).length > 0 || added.length > 0 || namespaceFinalizersOf(live).length > 0 || grace > 0;
  if (pending) {
    const next = markTerminating(core, type, live, added, grace);
    if (options.dryRun) return { removed: false, object: core.view(type, next) };
    return { removed: false, object: core.view(type, core.commitPut(type, next, live)) };
  }
  if (options.dryRun) return { removed: true, object: core.view(type, live) };
  return { removed: true, object: core.view(type, core.commitDelete(type, live, live)) };
}

/**
 * DELETE of an object already terminating: unchanged, except that an orphan/foreground request may
 * add its finalizer and a zero grace period ends a gracefully terminating Pod without finalizers.
 */
function deleteTerminating(
  core: KubeApiCore,
  type: ResourceType,
  live: KubeObject,
  request: { options: DeleteOptions; added: string[] },
): DeleteOutcome {
  const { options, added } = request;
  if (options.dryRun) return { removed: false, object: core.view(type, live) };
  if (isPod(type) && options.gracePeriodSeconds === 0 && finalizersOf(live).length === 0) {
    return { removed: true, object: core.view(type, core.commitDelete(type, live, live)) };
  }
  const finalizers = withFinalizers(live, added);
  if (finalizers.length === finalizersOf(live).length)
    return { removed: false, object: core.view(type, live) };
  const next = { ...live, metadata: { ...metaOf(live), finalizers } };
  return { removed: false, object: core.view(type, core.commitPut(type, next, live)) };
}

/** The reply to a DELETE that removed the object: a Success Status (Pods: the object). */
export function deletedReply(type: ResourceType, outcome: DeleteOutcome): unknown {
  if (!outcome.removed || (type.group === '' && type.kind === 'Pod')) return outcome.object;
  const details: JsonObject = { name: metaOf(outcome.object).name };
  if (type.group) details.group = type.group;
  details.kind = type.plural;
  details.uid = metaOf(outcome.object).uid;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}
