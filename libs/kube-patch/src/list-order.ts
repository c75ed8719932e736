// Element order after a strategic merge of a list (`merge` strategy).
//
// The API server sorts the items the patch mentions by the patch order (or by `$setElementOrder`),
// keeps server-only items in their live order, and interleaves the two: a server-only item goes
// before a patch item only when both exist in the live list and it came first there. Items new to
// the list therefore land before the remaining server-only items (a new container or finalizer comes
// first unless `$setElementOrder` says otherwise).
//
// kustomize (kyaml merge2 with ListIncreaseDirection=Prepend, as patchesStrategicMerge uses it) puts
// every item the patch mentions first, in patch order, then the remaining items in their old order.

import type { JsonValue } from './json.js';

export type SameItem = (left: JsonValue, right: JsonValue) => boolean;

export interface ListOrderInput {
  readonly merged: readonly JsonValue[];
  /** Items whose relative order the patch dictates (the patch list or `$setElementOrder`). */
  readonly patchOrder: readonly JsonValue[];
  /** The list before the patch. */
  readonly serverOrder: readonly JsonValue[];
  readonly same: SameItem;
  readonly flavor: 'apiserver' | 'kustomize';
}

function indexIn(list: readonly JsonValue[], item: JsonValue, same: SameItem): number {
  return list.findIndex((candidate) => same(candidate, item));
}

function sortByOrder(items: JsonValue[], order: readonly JsonValue[], same: SameItem): JsonValue[] {
  const ranked = items.map((item, position) => ({ item, position, rank: indexIn(order, item, same) }));
  ranked.sort((a, b) => (a.rank >= 0 && b.rank >= 0 ? a.rank - b.rank : 0) || a.position - b.position);
  return ranked.map(({ item }) => item);
}

export function orderMergedList(input: ListOrderInput): JsonValue[] {
  const { merged, patchOrder, serverOrder, same } = input;
  const fromPatch: JsonValue[] = [];
  const serverOnly: JsonValue[] = [];
  for (const item of merged) (indexIn(patchOrder, item, same) >= 0 ? fromPatch : serverOnly).push(item);
  const patchItems = sortByOrder(fromPatch, patchOrder, same);
  const serverItems = sortByOrder(serverOnly, serverOrder, same);
  if (input.flavor === 'kustomize') return [...patchItems, ...serverItems];
  const result: JsonValue[] = [];
  let left = 0;
  let right = 0;
  while (left < serverItems.length || right < patchItems.length) {
    const serverItem = serverItems[left];
    const patchItem = patchItems[right];
    if (
      patchItem === undefined ||
      (serverItem !== undefined && serverGoesFirst(serverItem, patchItem, input))
    ) {
      result.push(serverItem as JsonValue);
      left++;
    } else {
      result.push(patchItem);
      right++;
    }
  }
  return result;
}

function serverGoesFirst(serverItem: JsonValue, patchItem: JsonValue, input: ListOrderInput): boolean {
  const serverIndex = indexIn(input.serverOrder, serverItem, input.same);
  const patchIndex = indexIn(input.serverOrder, patchItem, input.same);
  return serverIndex >= 0 && patchIndex >= 0 && serverIndex < patchIndex;
}
