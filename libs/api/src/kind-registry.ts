// Lookups over a list of kinds: by group+kind, apiVersion+kind, plural and the names kubectl accepts.
import type { KindSpec, VersionSpec } from './kind-spec.js';

/** `source.toolkit.fluxcd.io/v1` → group + version (core `v1` → empty group). */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The storage version of a kind (listed first). */
export function storageVersion(kind: KindSpec): VersionSpec {
  const storage = kind.versions[0];
  if (!storage) throw new Error(`${kind.kind}.${kind.group} declares no versions`);
  return storage;
}

/** `<group>/<storage version>` of a kind. */
export function storageApiVersion(kind: KindSpec): string {
  return `${kind.group}/${storageVersion(kind).name}`;
}

export interface KindVersion {
  kind: KindSpec;
  version: VersionSpec;
}

export interface KindRegistry {
  readonly kinds: readonly KindSpec[];
  byGroupKind(group: string, kind: string): KindSpec | undefined;
  /** The served version an object's `apiVersion` + `kind` name, if any. */
  byApiVersionKind(apiVersion: string, kind: string): KindVersion | undefined;
  byPlural(group: string, plural: string): KindSpec | undefined;
  /**
   * Resolves a resource name as kubectl accepts it: plural, singular, short name or lower-case kind,
   * optionally qualified with the group (`gitrepositories.source.toolkit.fluxcd.io`).
   */
  byResourceName(name: string): KindSpec[];
}

export function createKindRegistry(kinds: readonly KindSpec[]): KindRegistry {
  const byGroupKind = new Map<string, KindSpec>();
  const byPlural = new Map<string, KindSpec>();
  for (const k of kinds) {
    const key = `${k.group}/${k.kind}`;
    if (byGroupKind.has(key)) throw new Error(`duplicate kind ${k.kind}.${k.group}`);
    byGroupKind.set(key, k);
    byPlural.set(`${k.group}/${k.plural}`, k);
  }
  const names = (k: KindSpec) => [k.plural, k.singular, k.kind.toLowerCase(), ...k.shortNames];
  return {
    kinds,
    byGroupKind: (group, kind) => byGroupKind.get(`${group}/${kind}`),
    byApiVersionKind(apiVersion, kind) {
      const { group, version } = parseApiVersion(apiVersion);
      const spec = byGroupKind.get(`${group}/${kind}`);
      const served = spec?.versions.find((v) => v.name === version);
      return spec && served ? { kind: spec, version: served } : undefined;
    },
    byPlural: (group, plural) => byPlural.get(`${group}/${plural}`),
    byResourceName(name) {
      const lower = name.toLowerCase();
      return kinds.filter((k) => {
        const qualified = names(k).map((n) => `${n}.${k.group}`);
        return names(k).includes(lower) || qualified.includes(lower);
      });
    },
  };
}
