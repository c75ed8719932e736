// GitRepository `include` (spec source.md §2): another GitRepository's artifact (same namespace),
// or the part under `fromPath`, copied into the checkout at `toPath` (default: its name).
import { cp, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { unpackTarball } from '@flotilla/artifacts';
import { isNotFound, type KubeClient } from '@flotilla/runtime';
import { assertWithin, securePath } from '../helm/chart-dir.js';
import { SOURCE_RESOURCES, type SourceObject } from '../source-object.js';
import type { Artifact, SourceStorage } from '../storage.js';
import { withTempDir } from '../temp-dir.js';

export interface GitInclude {
  repository: { name: string };
  fromPath?: string;
  toPath?: string;
}

export class IncludeUnavailableError extends Error {
  constructor(
    readonly reason: 'NotFound' | 'NoArtifact',
    message: string,
  ) {
    super(message);
    this.name = 'IncludeUnavailableError';
  }
}

/** The artifacts of the included repositories, in `include` order. */
export async function includedArtifacts(
  kube: KubeClient,
  namespace: string,
  includes: readonly GitInclude[],
): Promise<Artifact[]> {
  const artifacts: Artifact[] = [];
  for (const include of includes) {
    let repo: SourceObject;
    try {
      repo = await kube.get<SourceObject>(SOURCE_RESOURCES.GitRepository, namespace, include.repository.name);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      throw new IncludeUnavailableError(
        'NotFound',
        `could not get resource for include '${include.repository.name}': gitrepositories "${include.repository.name}" not found`,
      );
    }
    const artifact = repo.status?.artifact;
    if (!artifact)
      throw new IncludeUnavailableError(
        'NoArtifact',
        `no artifact available for include '${include.repository.name}'`,
      );
    artifacts.push(artifact);
  }
  return artifacts;
}

/** Copies each include's artifact into `root`. */
export async function applyIncludes(
  storage: SourceStorage,
  root: string,
  includes: readonly GitInclude[],
  artifacts: readonly Artifact[],
): Promise<void> {
  for (const [i, include] of includes.entries()) {
    const artifact = artifacts[i];
    if (!artifact) continue;
    await withTempDir('include', async (dir) => {
      const unpacked = join(dir, 'artifact');
      await unpackTarball(await storage.open(artifact), unpacked);
      const from = include.fromPath ? securePath(unpacked, include.fromPath) : unpacked;
      const to = assertWithin(root, securePath(root, include.toPath || include.repository.name));
      await rm(to, { recursive: true, force: true });
      await mkdir(dirname(to), { recursive: true });
      await cp(from, to, { recursive: true, verbatimSymlinks: true });
    });
  }
}
