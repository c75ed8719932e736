// Artifact storage for sources: Flux's key layout `<kind-lowercase>/<namespace>/<name>/<file>`
// in the shared store, the `status.artifact` object with the advertised URL, the stable alias
// (`latest.tar.gz` / `index.yaml`) and garbage collection after the new file is in place, so the
// previous artifact is served until then.
import {
  artifactPath,
  stableAliasPath,
  type ArtifactStore,
  type ByteSource,
  type ObjectRef,
} from '@flotilla/artifacts';
import type { EventBus } from '@flotilla/bus';
import type { Readable } from 'node:stream';

/** `status.artifact` (and `status.includedArtifacts[]`), spec README "Artifact object". */
export interface Artifact {
  path: string;
  url: string;
  revision: string;
  digest?: string;
  lastUpdateTime: string;
  size?: number;
  metadata?: Record<string, string>;
}

/** metav1.Time: RFC 3339, UTC, whole seconds. */
function kubeTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export class SourceStorage {
  constructor(
    readonly store: ArtifactStore,
    /** `host[:port]` put in artifact URLs; a function because the server may pick its port late. */
    private readonly advertisedHost: () => string,
  ) {}

  /** `http://<advertised host>/<path>`. */
  url(path: string): string {
    return `http://${this.advertisedHost()}/${path}`;
  }

  /** The stable alias URL (`status.url`). */
  aliasUrl(ref: ObjectRef): string {
    return this.url(stableAliasPath(ref));
  }

  path(ref: ObjectRef, file: string): string {
    return artifactPath(ref, file);
  }

  /**
   * Stores `body` as `<file>` of the object, writes the alias, then garbage-collects older files
   * (the new one is current); returns the artifact for status.
   */
  async put(
    ref: ObjectRef,
    file: string,
    body: ByteSource,
    revision: string,
    metadata?: Record<string, string>,
  ): Promise<Artifact> {
    const path = artifactPath(ref, file);
    const stored = await this.store.put(path, body);
    await this.store.copy(path, stableAliasPath(ref));
    await this.store.gc(ref, { current: path });
    return {
      path,
      url: this.url(path),
      revision,
      digest: stored.digest,
      lastUpdateTime: kubeTime(stored.lastUpdateTime),
      size: stored.size,
      ...(metadata && Object.keys(metadata).length > 0 ? { metadata } : {}),
    };
  }

  /** True when the artifact's file is in the store with the recorded digest. */
  async has(artifact: Pick<Artifact, 'path' | 'digest'>): Promise<boolean> {
    const head = await this.store.head(artifact.path);
    if (!head) return false;
    return artifact.digest === undefined || head.digest === undefined || head.digest === artifact.digest;
  }

  /** A stream of the artifact's bytes that fails at the end unless they match its digest. */
  open(artifact: Pick<Artifact, 'path' | 'digest'>): Promise<Readable> {
    return this.store.get(artifact.path, artifact.digest ? { digest: artifact.digest } : {});
  }

  /** Garbage collection of the object's directory around its current artifact. */
  async gc(ref: ObjectRef, current: string | undefined): Promise<void> {
    await this.store.gc(ref, current ? { current } : {});
  }

  deleteAll(ref: ObjectRef): Promise<string[]> {
    return this.store.deleteAll(ref);
  }
}

/** Announces a new artifact on the bus (`flotilla.artifacts.<kind>.<namespace>.<name>`). */
export async function announceArtifact(bus: EventBus, ref: ObjectRef, artifact: Artifact): Promise<void> {
  await bus.announceArtifact({
    kind: ref.kind,
    namespace: ref.namespace,
    name: ref.name,
    revision: artifact.revision,
    digest: artifact.digest ?? '',
    storageKey: artifact.path,
    url: artifact.url,
    ...(artifact.size === undefined ? {} : { size: artifact.size }),
    lastUpdateTime: artifact.lastUpdateTime,
  });
}
