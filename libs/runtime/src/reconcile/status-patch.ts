// Writes a reconcile's result: a JSON merge patch on /status carrying the resourceVersion the
// result was computed from as a precondition. On 409 Conflict the object is re-read and only the
// changes this reconcile made (top-level status fields, and conditions by type) are re-applied to
// the fresh status, so another writer's fields survive and a newer generation's spec is never
// marked as observed. Finalizers are edited the same way on the main resource.
import { createMergePatch, deepEqual, type JsonValue } from '@flotilla/kube-patch';
import type { KubeClient } from '../kube/client.js';
import { isConflict, isNotFound } from '../kube/errors.js';
import type { ApiObject, ResourceType } from '../kube/resource.js';
import { sortConditions, type Condition } from './conditions.js';
import type { FluxStatus } from './summary.js';

export interface PatchTarget {
  client: KubeClient;
  resource: ResourceType;
  namespace: string;
  name: string;
  signal?: AbortSignal;
  /** Attempts before a conflict is given up (default 5). */
  maxAttempts?: number;
  /** Called on each 409, e.g. to count conflicts. */
  onConflict?: () => void;
}

/** What a reconcile changed between the status it read and the status it wants. */
export interface StatusChanges {
  /** Top-level fields (other than conditions) to set; `undefined` removes. */
  fields: Map<string, unknown>;
  /** Condition types to set from `desired`, or remove when absent there. */
  conditionTypes: Set<string>;
  desiredConditions: Condition[];
}

const same = (a: unknown, b: unknown): boolean =>
  deepEqual((a ?? null) as JsonValue, (b ?? null) as JsonValue);

export function diffStatus(before: FluxStatus, desired: FluxStatus): StatusChanges {
  const fields = new Map<string, unknown>();
  for (const key of new Set([...Object.keys(before), ...Object.keys(desired)])) {
    if (key === 'conditions') continue;
    if (!same(before[key], desired[key])) fields.set(key, desired[key]);
  }
  const beforeByType = new Map((before.conditions ?? []).map((c) => [c.type, c]));
  const desiredConditions = desired.conditions ?? [];
  const conditionTypes = new Set<string>();
  for (const condition of desiredConditions)
    if (!same(beforeByType.get(condition.type), condition)) conditionTypes.add(condition.type);
  for (const type of beforeByType.keys())
    if (!desiredConditions.some((c) => c.type === type)) conditionTypes.add(type);
  return { fields, conditionTypes, desiredConditions };
}

export function hasChanges(changes: StatusChanges): boolean {
  return changes.fields.size > 0 || changes.conditionTypes.size > 0;
}

/** `changes` applied on top of `current` (a possibly newer status than the one diffed). */
export function applyStatusChanges(current: FluxStatus, changes: StatusChanges): FluxStatus {
  const result: FluxStatus = structuredClone(current);
  for (const [key, value] of changes.fields) {
    if (value === undefined) delete result[key];
    else result[key] = structuredClone(value);
  }
  if (changes.conditionTypes.size > 0) {
    const kept = (result.conditions ?? []).filter((c) => !changes.conditionTypes.has(c.type));
    const mine = changes.desiredConditions.filter((c) => changes.conditionTypes.has(c.type));
    result.conditions = sortConditions([...kept, ...mine]);
  }
  return result;
}

const statusOf = (obj: ApiObject): FluxStatus => (obj.status ?? {}) as FluxStatus;

/**
 * Patches `base`'s status to `desired` (computed from `base`); returns the object as stored.
 * Throws the API error after `maxAttempts` conflicts or on any other failure (404 included).
 */
export async function patchStatus<T extends ApiObject>(
  target: PatchTarget,
  base: T,
  desired: FluxStatus,
): Promise<T> {
  const changes = diffStatus(statusOf(base), desired);
  if (!hasChanges(changes)) return base;
  let current: T = base;
  const attempts = target.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    const currentStatus = statusOf(current);
    const next = applyStatusChanges(currentStatus, changes);
    const patch = createMergePatch(currentStatus as JsonValue, next as JsonValue);
    if (typeof patch === 'object' && patch !== null && Object.keys(patch).length === 0) return current;
    try {
      return await target.client.patch<T>(
        target.resource,
        target,
        { metadata: { resourceVersion: current.metadata?.resourceVersion }, status: patch },
        { type: 'merge', subresource: 'status', signal: target.signal },
      );
    } catch (error) {
      if (!isConflict(error) || attempt >= attempts) throw error;
      target.onConflict?.();
      current = await target.client.get<T>(target.resource, target.namespace, target.name, {
        signal: target.signal,
      });
    }
  }
}

async function reread<T extends ApiObject>(target: PatchTarget): Promise<T | undefined> {
  try {
    return await target.client.get<T>(target.resource, target.namespace, target.name, {
      signal: target.signal,
    });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

const sameList = (a: string[], b: string[]): boolean =>
  a.length === b.length && a.every((f, i) => f === b[i]);

/**
 * Sets metadata.finalizers to `edit(current finalizers)` with a resourceVersion precondition,
 * re-reading on conflict. Returns the stored object, or undefined when it is gone (removing the
 * last finalizer of a deleted object deletes it).
 */
export async function updateFinalizers<T extends ApiObject>(
  target: PatchTarget,
  base: T,
  edit: (finalizers: string[]) => string[],
): Promise<T | undefined> {
  let current: T | undefined = base;
  const attempts = target.maxAttempts ?? 5;
  for (let attempt = 1; current; attempt++) {
    const finalizers = current.metadata?.finalizers ?? [];
    const next = edit([...finalizers]);
    if (sameList(next, finalizers)) return current;
    try {
      const stored = await target.client.patch<T>(
        target.resource,
        target,
        { metadata: { finalizers: next, resourceVersion: current.metadata?.resourceVersion } },
        { type: 'merge', signal: target.signal },
      );
      return next.length === 0 && stored.metadata?.deletionTimestamp ? undefined : stored;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      if (!isConflict(error) || attempt >= attempts) throw error;
      target.onConflict?.();
      current = await reread<T>(target);
    }
  }
  return undefined;
}
