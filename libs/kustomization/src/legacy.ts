// v1beta2/v1beta1 `patchesStrategicMerge` and `patchesJson6902` (kustomize.md §10: honoured, as
// recommended). The v1 CRD schema lacks them, so the API server drops them from storage at the
// controller's first write (the finalizer) — which is why Flux ≥ 2.0 silently ignores them.
// They are caught here instead from the object as created or applied, through watches of the
// old versions, and kept per object uid.
import { legacyPatchesOf } from '@flotilla/api';
import { objectKey, type Informer, type SharedInformers } from '@flotilla/runtime';
import {
  KUSTOMIZATIONS,
  LEGACY_VERSIONS,
  writtenInLegacyVersion,
  type KustomizationObject,
  type LegacyPatches,
  type LegacyPatchSource,
} from './spec.js';

const resourceVersionOf = (obj: KustomizationObject | undefined): number =>
  Number(obj?.metadata?.resourceVersion ?? 0);

export class LegacyPatchWatch implements LegacyPatchSource {
  private readonly patches = new Map<string, LegacyPatches>();
  private readonly informers = new Map<string, Informer<KustomizationObject>>();

  constructor(
    informers: SharedInformers,
    namespace: string | undefined,
    private readonly waitMs = 2_000,
  ) {
    for (const version of LEGACY_VERSIONS) {
      const informer = informers.informerFor<KustomizationObject>(
        { ...KUSTOMIZATIONS, version },
        { namespace },
      );
      informer.addHandler({
        add: (obj) => this.record(obj),
        update: (_previous, obj) => this.record(obj),
        delete: (obj) => this.patches.delete(obj.metadata?.uid ?? ''),
      });
      this.informers.set(version, informer);
    }
  }

  async start(): Promise<void> {
    await Promise.all([...this.informers.values()].map((informer) => informer.start()));
  }

  private record(obj: KustomizationObject): void {
    const found = legacyPatchesOf((obj.spec ?? {}) as Record<string, unknown>);
    if (found.before.length + found.after.length > 0) this.patches.set(obj.metadata?.uid ?? '', found);
  }

  /** Waits until the old version's watch has seen `obj`'s resourceVersion, then answers. */
  async patchesFor(obj: KustomizationObject): Promise<LegacyPatches | undefined> {
    const version = writtenInLegacyVersion(obj);
    const informer = version ? this.informers.get(version) : undefined;
    if (!informer) return undefined;
    const key = objectKey(obj);
    const deadline = Date.now() + this.waitMs;
    while (resourceVersionOf(informer.store.get(key)) < resourceVersionOf(obj) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    return this.patches.get(obj.metadata?.uid ?? '');
  }
}
