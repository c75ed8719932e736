// Reading charts out of Helm repositories: the index from the cache or the HelmRepository's
// stored artifact (or fetched directly for a dependency repository nobody declared), entry URLs
// resolved against the repository URL, downloads capped in size and checked against the digest
// the index gives.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { KubeClient } from '@flotilla/runtime';
import { httpGet } from '../http-get.js';
import { SOURCE_RESOURCES } from '../source-object.js';
import type { Artifact, SourceStorage } from '../storage.js';
import { ChartBuildError } from './chart-dir.js';
import {
  indexUrl,
  repositoryAccess,
  type HelmRepositoryObject,
  type RepositoryAccess,
} from './helm-repository.js';
import type { IndexCache } from './index-cache.js';
import { parseIndex, type ChartVersionEntry, type RepositoryIndex } from './repository-index.js';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The parsed index of a HelmRepository's stored artifact (cache first). */
export async function loadStoredIndex(
  storage: SourceStorage,
  cache: IndexCache,
  artifact: Artifact,
): Promise<RepositoryIndex> {
  const cached = cache.get(artifact.path);
  if (cached) return cached;
  const index = parseIndex(await readAll(await storage.open(artifact)));
  cache.set(artifact.path, index);
  return index;
}

export function normaliseRepoUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The entry's first URL, resolved against the repository URL when relative. */
export function chartDownloadUrl(entry: ChartVersionEntry, repoUrl: string): string {
  const first = entry.urls?.[0];
  if (!first)
    throw new ChartBuildError(
      'pull',
      `chart '${entry.name}' version '${entry.version}' has no downloadable URLs`,
    );
  return new URL(first, `${normaliseRepoUrl(repoUrl)}/`).toString();
}

export interface DownloadOptions {
  repoUrl: string;
  access: RepositoryAccess;
  passCredentials: boolean;
  maxBytes: number;
  signal: AbortSignal;
}

/** Downloads a chart archive; checks the index digest when there is one. */
export async function downloadChart(entry: ChartVersionEntry, options: DownloadOptions): Promise<Buffer> {
  const url = chartDownloadUrl(entry, options.repoUrl);
  // Credentials go to other hosts only with passCredentials (Helm's --pass-credentials).
  const sameHost = new URL(url).host === new URL(options.repoUrl).host;
  const basicAuth = sameHost || options.passCredentials ? options.access.basicAuth : undefined;
  let body: Buffer;
  try {
    const result = await httpGet(url, {
      maxBytes: options.maxBytes,
      signal: options.signal,
      ...(basicAuth ? { basicAuth } : {}),
      ...(options.access.tls ? { tls: options.access.tls } : {}),
    });
    if (result.status !== 200) throw new Error(`unexpected 304 from ${url}`);
    body = result.body;
  } catch (error) {
    throw new ChartBuildError(
      'pull',
      `failed to download chart for remote reference: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (entry.digest) {
    const actual = createHash('sha256').update(body).digest('hex');
    const expected = entry.digest.replace(/^sha256:/, '');
    if (actual !== expected)
      throw new ChartBuildError(
        'pull',
        `failed to verify chart digest: expected '${expected}', got '${actual}'`,
      );
  }
  return body;
}

/** The HelmRepository in `namespace` whose URL matches (for a dependency's credentials and index). */
export async function findRepositoryByUrl(
  kube: KubeClient,
  namespace: string,
  url: string,
): Promise<HelmRepositoryObject | undefined> {
  const list = await kube.list<HelmRepositoryObject>(SOURCE_RESOURCES.HelmRepository, { namespace });
  const wanted = normaliseRepoUrl(url);
  return list.items.find((repo) => repo.spec.type !== 'oci' && normaliseRepoUrl(repo.spec.url) === wanted);
}

export interface ResolvedRepository {
  index: RepositoryIndex;
  access: RepositoryAccess;
  passCredentials: boolean;
}

/** Index and credentials of a dependency repository: a declared HelmRepository's, else anonymous. */
export async function dependencyRepository(
  context: {
    kube: KubeClient;
    storage: SourceStorage;
    cache: IndexCache;
    maxIndexBytes: number;
    signal: AbortSignal;
  },
  namespace: string,
  url: string,
): Promise<ResolvedRepository> {
  const repo = await findRepositoryByUrl(context.kube, namespace, url);
  const access = repo ? await repositoryAccess(context, repo) : {};
  const artifact = repo?.status?.artifact;
  if (repo && artifact) {
    return {
      index: await loadStoredIndex(context.storage, context.cache, artifact),
      access,
      passCredentials: repo.spec.passCredentials === true,
    };
  }
  const result = await httpGet(indexUrl(url), {
    maxBytes: context.maxIndexBytes,
    signal: context.signal,
    ...(access.basicAuth ? { basicAuth: access.basicAuth } : {}),
    ...(access.tls ? { tls: access.tls } : {}),
  });
  if (result.status !== 200) throw new Error(`unexpected 304 from ${indexUrl(url)}`);
  return {
    index: parseIndex(result.body),
    access,
    passCredentials: repo?.spec.passCredentials === true,
  };
}
