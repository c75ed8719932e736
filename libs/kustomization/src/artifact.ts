// The source's artifact: read from the shared store by its storage path, digest verified while
// streaming, unpacked safely (no escaping entries, size caps).
//
// Many Kustomizations usually build from one source revision, so each revision (by digest) is
// unpacked once into a read-only tree; every reconcile gets its own working copy made of hard
// links to it (directories created, files linked: no file contents copied). Whatever the build
// changes (the kustomization file, decrypted files) is replaced with `replaceFile`, which unlinks
// first, so the shared tree is never written through a link.
import { existsSync, rmSync, statSync } from 'node:fs';
import { link, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { unpackTarball, validateArtifactPath, type ArtifactStore } from '@flotilla/artifacts';

export interface SourceArtifact {
  path: string;
  url?: string;
  revision: string;
  digest?: string;
  metadata?: Record<string, string>;
}

export class ArtifactFetchError extends Error {
  readonly code = 'ARTIFACT_FETCH_FAILED';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ArtifactFetchError';
  }
}

export interface FetchedArtifact {
  /** Working directory holding the unpacked artifact; remove with `dispose`. */
  root: string;
  dispose(): Promise<void>;
}

/** Writes `content` to `path` as a new file, never through a hard link to the shared tree. */
export async function replaceFile(path: string, content: string | Uint8Array): Promise<void> {
  await rm(path, { force: true });
  await writeFile(path, content);
}

interface CachedTree {
  dir: string;
  users: number;
  ready: Promise<void>;
}

const TREE_CACHE_MAX = 32;
const trees = new Map<string, CachedTree>();
let cacheRoot: string | undefined;
let treeCounter = 0;

async function treeRoot(): Promise<string> {
  if (!cacheRoot) {
    cacheRoot = await mkdtemp(join(tmpdir(), 'kustomization-artifacts-'));
    const root = cacheRoot;
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  }
  return cacheRoot;
}

async function unpackTree(
  store: ArtifactStore,
  path: string,
  digest: string | undefined,
  dir: string,
): Promise<void> {
  // The stream errors at its end when the bytes do not match the digest; nothing is kept then.
  await unpackTarball(await store.get(path, digest ? { digest } : {}), dir);
}

function evictUnused(): void {
  for (const [key, tree] of trees) {
    if (trees.size <= TREE_CACHE_MAX) return;
    if (tree.users > 0) continue;
    trees.delete(key);
    void rm(tree.dir, { recursive: true, force: true });
  }
}

/** The shared tree of a revision, unpacked once; the caller must `release` it. */
async function acquireTree(store: ArtifactStore, path: string, digest: string): Promise<CachedTree> {
  const key = `${digest}|${path}`;
  let tree = trees.get(key);
  if (!tree) {
    const dir = join(await treeRoot(), String(++treeCounter));
    const created: CachedTree = { dir, users: 0, ready: unpackTree(store, path, digest, dir) };
    tree = created;
    trees.set(key, tree);
    created.ready.catch(() => {
      trees.delete(key);
      void rm(dir, { recursive: true, force: true });
    });
    evictUnused();
  }
  tree.users++;
  try {
    await tree.ready;
  } catch (error) {
    tree.users--;
    throw error;
  }
  return tree;
}

async function linkTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const [source, target] = [join(from, entry.name), join(to, entry.name)];
    if (entry.isDirectory()) await linkTree(source, target);
    else if (entry.isFile()) await link(source, target);
  }
}

async function workingCopy(
  store: ArtifactStore,
  path: string,
  digest: string | undefined,
): Promise<FetchedArtifact> {
  const dir = await mkdtemp(join(tmpdir(), 'kustomization-'));
  const root = join(dir, 'src');
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    if (!digest) {
      await unpackTree(store, path, digest, root);
      return { root, dispose: cleanup };
    }
    const tree = await acquireTree(store, path, digest);
    try {
      await linkTree(tree.dir, root);
    } finally {
      tree.users--;
    }
    return { root, dispose: cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Downloads and unpacks `artifact`; retried once, as a store hiccup should not fail a revision. */
export async function fetchArtifact(
  store: ArtifactStore,
  artifact: SourceArtifact,
): Promise<FetchedArtifact> {
  let path: string;
  try {
    path = validateArtifactPath(artifact.path);
  } catch (error) {
    throw new ArtifactFetchError(`invalid artifact path '${artifact.path}': ${(error as Error).message}`);
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      return await workingCopy(store, path, artifact.digest);
    } catch (error) {
      lastError = error;
    }
  }
  throw new ArtifactFetchError(
    `failed to download artifact, error: ${(lastError as Error).message ?? String(lastError)}`,
    { cause: lastError },
  );
}

/**
 * `path` inside the artifact root, clamped like Go's securejoin: `..` cannot leave the root.
 * Undefined when it does not name a directory.
 */
export function resolveBuildPath(root: string, path: string | undefined): string | undefined {
  const clean = posix.normalize(`/${path ?? ''}`).replace(/^\/+/, '');
  const full = clean === '' ? root : join(root, clean);
  return existsSync(full) && statSync(full).isDirectory() ? full : undefined;
}
