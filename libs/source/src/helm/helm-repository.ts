// HelmRepository (spec source.md §4). type default: fetch `<url>/index.yaml` with conditional
// request headers (an unchanged index costs one small 304), capped in size while streaming;
// revision = sha256 of the fetched bytes; the artifact `index-<hex>.yaml` is the parsed, sorted
// index as indented JSON. type oci: a static configuration object (no status, no artifact).
import { createHash } from 'node:crypto';
import { specDuration, type ReconcilerDefinition, type ReconcileScope } from '@flotilla/runtime';
import { describeError, failure, SourceReasons } from '../conditions.js';
import {
  failingAs,
  markOutdated,
  markStored,
  sourceReconciler,
  type SourceServices,
  storeArtifact,
} from '../common-steps.js';
import { HttpStatusError, httpGet, tlsFromSecret, TooLargeError, type HttpGetOptions } from '../http-get.js';
import { humanSize } from '../human-size.js';
import { readSecretRef, SecretNotFoundError, timeoutSignal, type SourceObject } from '../source-object.js';
import type { Artifact } from '../storage.js';
import type { IndexCache } from './index-cache.js';
import { parseIndex, serializeIndex } from './repository-index.js';

export interface HelmRepositorySpec {
  url: string;
  type?: 'default' | 'oci';
  secretRef?: { name: string };
  certSecretRef?: { name: string };
  passCredentials?: boolean;
  insecure?: boolean;
  provider?: string;
}

export type HelmRepositoryObject = SourceObject<HelmRepositorySpec>;

export interface HelmServices extends SourceServices {
  readonly indexCache: IndexCache;
}

/** Validators of the last fetched index, per object, for the next conditional request. */
interface IndexValidators {
  url: string;
  revision: string;
  etag?: string;
  lastModified?: string;
}

export interface RepositoryAccess {
  basicAuth?: { username: string; password: string };
  tls?: HttpGetOptions['tls'];
}

/** Credentials and TLS of a HelmRepository (secretRef basic auth + legacy TLS keys, certSecretRef wins). */
export async function repositoryAccess(
  scope: Pick<ReconcileScope<SourceObject>, 'kube'>,
  repo: HelmRepositoryObject,
): Promise<RepositoryAccess> {
  const namespace = repo.metadata?.namespace ?? '';
  const secret = await readSecretRef(scope.kube, namespace, repo.spec.secretRef);
  const certSecret = await readSecretRef(scope.kube, namespace, repo.spec.certSecretRef);
  const access: RepositoryAccess = {};
  if (secret?.username !== undefined || secret?.password !== undefined) {
    if (!secret.username || !secret.password)
      throw new Error(
        `secret '${namespace}/${repo.spec.secretRef?.name}': both username and password are required`,
      );
    access.basicAuth = { username: secret.username, password: secret.password };
  }
  const tls = tlsFromSecret(certSecret, false) ?? tlsFromSecret(secret, true);
  if (tls) access.tls = tls;
  return access;
}

export function indexUrl(repoUrl: string): string {
  return `${repoUrl.replace(/\/+$/, '')}/index.yaml`;
}

function validatorsOf(
  headers: Record<string, string | string[] | undefined>,
): Pick<IndexValidators, 'etag' | 'lastModified'> {
  const etag = headers.etag;
  const lastModified = headers['last-modified'];
  return {
    ...(typeof etag === 'string' ? { etag } : {}),
    ...(typeof lastModified === 'string' ? { lastModified } : {}),
  };
}

class HelmRepositoryFetch {
  constructor(
    private readonly services: HelmServices,
    private readonly validators: Map<string, IndexValidators>,
  ) {}

  async run(scope: ReconcileScope<HelmRepositoryObject>): Promise<void> {
    const repo = scope.object;
    if (!/^https?:\/\//.test(repo.spec.url))
      throw failure(
        scope,
        'FetchFailed',
        SourceReasons.URLInvalid,
        `invalid Helm repository URL: unsupported scheme in '${repo.spec.url}'`,
        { stall: true },
      );
    const access = await this.access(scope);
    const current = scope.status.artifact as Artifact | undefined;
    const headers = this.conditionalHeaders(scope, current);
    const target = indexUrl(repo.spec.url);
    const result = await this.fetch(scope, target, { ...access, headers });
    if (result.status === 304 && current) {
      markStored(scope, current.revision);
      return;
    }
    if (result.status !== 200)
      throw failure(scope, 'FetchFailed', SourceReasons.Failed, `unexpected response from ${target}`);
    const revision = `sha256:${createHash('sha256').update(result.body).digest('hex')}`;
    const remember = () =>
      this.validators.set(scope.key, { url: repo.spec.url, revision, ...validatorsOf(result.headers) });
    if (current && current.revision === revision) {
      remember();
      markStored(scope, revision);
      return;
    }
    const index = await failingAs(
      scope,
      {
        type: 'FetchFailed',
        reason: SourceReasons.IndexationFailed,
        message: 'failed to load Helm repository from index YAML',
      },
      () => parseIndex(result.body),
    );
    await markOutdated(scope, revision);
    const body = Buffer.from(serializeIndex(index));
    const artifact = await storeArtifact(scope, this.services, {
      kind: 'HelmRepository',
      file: `index-${revision.slice('sha256:'.length)}.yaml`,
      body,
      revision,
      eventMessage: `fetched index of size ${humanSize(body.length)} from '${repo.spec.url}'`,
    });
    this.services.indexCache.set(artifact.path, index);
    remember();
  }

  /** If-None-Match / If-Modified-Since when the stored artifact is what the validators describe. */
  private conditionalHeaders(
    scope: ReconcileScope<HelmRepositoryObject>,
    current: Artifact | undefined,
  ): Record<string, string> {
    const previous = this.validators.get(scope.key);
    const headers: Record<string, string> = {};
    if (
      !previous ||
      !current ||
      previous.revision !== current.revision ||
      previous.url !== scope.object.spec.url
    )
      return headers;
    if (previous.etag) headers['if-none-match'] = previous.etag;
    if (previous.lastModified) headers['if-modified-since'] = previous.lastModified;
    return headers;
  }

  private async access(scope: ReconcileScope<HelmRepositoryObject>): Promise<RepositoryAccess> {
    try {
      return await repositoryAccess(scope, scope.object);
    } catch (error) {
      const message =
        error instanceof SecretNotFoundError
          ? `failed to get secret: ${error.message}`
          : describeError(error);
      throw failure(scope, 'FetchFailed', SourceReasons.AuthenticationFailed, message, { cause: error });
    }
  }

  private async fetch(
    scope: ReconcileScope<HelmRepositoryObject>,
    target: string,
    options: Omit<HttpGetOptions, 'maxBytes'>,
  ) {
    try {
      return await httpGet(target, {
        ...options,
        maxBytes: this.services.config.helmIndexMaxSize,
        signal: timeoutSignal(scope.object, scope.signal),
      });
    } catch (error) {
      if (error instanceof TooLargeError)
        throw failure(
          scope,
          'FetchFailed',
          SourceReasons.IndexationFailed,
          `failed to fetch Helm repository index: ${error.message}`,
          { cause: error },
        );
      const auth = error instanceof HttpStatusError && (error.status === 401 || error.status === 403);
      throw failure(
        scope,
        'FetchFailed',
        auth ? SourceReasons.AuthenticationFailed : SourceReasons.Failed,
        `failed to fetch Helm repository index: ${describeError(error)}`,
        { cause: error },
      );
    }
  }
}

export function helmRepositoryReconciler(services: HelmServices): ReconcilerDefinition<HelmRepositoryObject> {
  const fetcher = new HelmRepositoryFetch(services, new Map());
  return sourceReconciler(
    'HelmRepository',
    services,
    { name: 'fetch index', run: (scope) => fetcher.run(scope) },
    {
      // Default 1m; type oci objects are static configuration, read by HelmCharts directly.
      interval: (obj) => specDuration(obj, 'interval') ?? 60_000,
      suspended: (obj) => obj.spec.suspend === true || obj.spec.type === 'oci',
    },
  );
}
