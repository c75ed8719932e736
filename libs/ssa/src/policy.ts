// Per-object policies set as label or annotation `<owner group>/<key>` (kustomize.md §6), with
// values compared case-insensitively, on the desired or the live object.
import type { ApiObject } from '@flotilla/runtime';

export type SsaPolicy = 'override' | 'merge' | 'ifnotpresent' | 'ignore';

function metaValue(obj: ApiObject | undefined, key: string): string | undefined {
  const value = obj?.metadata?.annotations?.[key] ?? obj?.metadata?.labels?.[key];
  return typeof value === 'string' ? value.toLowerCase() : undefined;
}

export class Policies {
  constructor(readonly ownerGroup: string) {}

  private value(obj: ApiObject | undefined, key: string): string | undefined {
    return metaValue(obj, `${this.ownerGroup}/${key}`);
  }

  ssa(obj: ApiObject | undefined): SsaPolicy {
    const value = this.value(obj, 'ssa');
    return value === 'merge' || value === 'ifnotpresent' || value === 'ignore' ? value : 'override';
  }

  /** `reconcile: disabled` on either object pauses it (no apply, no prune). */
  reconcileDisabled(...objects: (ApiObject | undefined)[]): boolean {
    return objects.some((obj) => this.value(obj, 'reconcile') === 'disabled');
  }

  forceEnabled(...objects: (ApiObject | undefined)[]): boolean {
    return objects.some((obj) => this.value(obj, 'force') === 'enabled');
  }

  pruneDisabled(obj: ApiObject | undefined): boolean {
    return this.value(obj, 'prune') === 'disabled';
  }
}
