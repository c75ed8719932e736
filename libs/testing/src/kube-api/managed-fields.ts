// managedFields bookkeeping, delegated to @flotilla/kube-patch (server-side apply and the Update
// entries of other writes). This module adapts its API to the double's write pipeline.
import type { KubeObject } from './json.js';
import type { ResourceType } from './resource-types.js';

export interface UpdateRecord {
  type: ResourceType;
  previous: KubeObject | undefined;
  next: KubeObject;
  manager: string;
  subresource: string | undefined;
}

export interface ApplyRecord {
  type: ResourceType;
  live: KubeObject | undefined;
  applied: KubeObject;
  manager: string;
  force: boolean;
  subresource: string | undefined;
}

export interface FieldManagers {
  /** managedFields after a non-apply write (operation Update). */
  update(record: UpdateRecord): unknown[];
  /** The object after applying, with its managedFields; throws a 409 Conflict KubeApiError. */
  apply(record: ApplyRecord): KubeObject;
}
