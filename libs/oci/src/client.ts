// The OCI distribution client for one registry host: ping, authentication, manifests, blobs, tags.
import { pipeline, type Readable } from 'node:stream';
import {
  authSchemeOf,
  basicAuthorization,
  challengeOf,
  challengeScopes,
  pullScope,
  pushScope,
  requestToken,
  unauthorized,
  validateRealm,
  type AuthScheme,
  type IssuedToken,
} from './auth.js';
import { assertDigest, sha256, VerifyingStream } from './digest.js';
import type { RegistryCredentials } from './docker-config.js';
import type { OciError } from './errors.js';
import {
  OciDigestMismatchError,
  OciNotFoundError,
  OciProtocolError,
  OciReferenceError,
  OciRegistryError,
  OciTooLargeError,
  OciUnauthorizedError,
  OciUnreachableError,
  type RegistryErrorDetail,
} from './errors.js';
import { isIndexMediaType, MANIFEST_ACCEPT } from './media-types.js';
import {
  formatReference,
  manifestReference,
  registryApiHost,
  validateDigest,
  type OciReference,
} from './reference.js';
import {
  header,
  readBody,
  Transport,
  type HttpRequest,
  type HttpResponse,
  type TransportOptions,
} from './transport.js';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  'os.version'?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: Platform;
  artifactType?: string;
}

export interface ImageManifest {
  schemaVersion: number;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: number;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

export interface FetchedManifest {
  /** The reference asked for, with `digest` filled in. */
  reference: OciReference;
  digest: string;
  mediaType: string;
  size: number;
  /** The manifest bytes exactly as served (their sha256 is `digest`). */
  bytes: Buffer;
  manifest: ImageManifest | ImageIndex;
}

export interface ManifestHead {
  digest: string;
  mediaType: string;
  size: number;
}

export interface OciClientOptions extends TransportOptions {
  credentials?: RegistryCredentials;
  /** Manifests larger than this are refused (default 4 MiB, as ORAS and containerd). */
  maxManifestBytes?: number;
  /** Blobs larger than this are uploaded in chunks of this size with PATCH (default 8 MiB). */
  chunkSize?: number;
  /** Retries of GET/HEAD on network errors and 408/429/5xx: attempts (default 3), first delay (1 s, ×3). */
  retry?: { attempts?: number; delayMs?: number };
  /** Sent as `client_id` in the refresh-token grant. */
  clientId?: string;
}

export interface FetchBlobOptions {
  /** Fail (OciTooLargeError) when the blob is larger, before or while downloading. */
  maxBytes?: number;
  /** The size a descriptor announced; a different Content-Length is an error. */
  size?: number;
}

export interface PushBlobOptions {
  /** Try a cross-repository mount from this repository (same registry) before uploading. */
  mountFrom?: string;
}

interface CallSpec {
  method: HttpRequest['method'];
  url: URL;
  headers?: Record<string, string>;
  body?: Uint8Array;
  scopes: string[];
}

export function isIndex(manifest: ImageManifest | ImageIndex): manifest is ImageIndex {
  return Array.isArray((manifest as ImageIndex).manifests);
}

export const DEFAULT_MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
export const DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024;
const ERROR_BODY_LIMIT = 64 * 1024;
const MAX_REDIRECTS = 10;
const RETRY_STATUSES = new Set([408, 429, 499, 500, 502, 503, 504, 522]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const NOT_FOUND_CODES = new Set(['MANIFEST_UNKNOWN', 'NAME_UNKNOWN', 'BLOB_UNKNOWN', 'NOT_FOUND']);

async function registryErrors(response: HttpResponse): Promise<RegistryErrorDetail[]> {
  if (response.body.readableEnded) return [];
  const body = await readBody(response, ERROR_BODY_LIMIT).catch(() => undefined);
  if (!body || body.length === 0) return [];
  try {
    const parsed = JSON.parse(body.toString('utf8')) as {
      errors?: Array<{ code?: unknown; message?: unknown }>;
    };
    return (parsed.errors ?? []).map((error) => ({
      code: String(error.code ?? ''),
      message: String(error.message ?? ''),
    }));
  } catch {
    return [{ code: '', message: body.toString('utf8').slice(0, 200) }];
  }
}

function describe(details: RegistryErrorDetail[]): string {
  return details.map((detail) => [detail.code, detail.message].filter(Boolean).join(': ')).join('; ');
}

/** Turns an unexpected response into the matching typed error (consumes the body). */
async function failure(what: string, response: HttpResponse): Promise<OciError> {
  const details = response.status === 0 ? [] : await registryErrors(response);
  const detail = describe(details);
  if (response.status === 401 || response.status === 403) return unauthorized(what, response, detail);
  if (response.status === 407) {
    return new OciUnauthorizedError(`${what}: the proxy refused the credentials (407)`, 407, details);
  }
  if (response.status === 404 || details.some((entry) => NOT_FOUND_CODES.has(entry.code))) {
    return new OciNotFoundError(`${what}: not found${detail ? ` (${detail})` : ''}`, details);
  }
  return new OciRegistryError(
    `${what}: registry answered ${response.status}${detail ? `: ${detail}` : ''}`,
    response.status,
    details,
  );
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Talks the OCI distribution API to one registry. Reuse one client per registry and credentials. */
export class OciClient {
  /** As in references: `docker.io`, `127.0.0.1:5000`. */
  readonly registry: string;
  /** `https://registry-1.docker.io`, `http://127.0.0.1:5000` with insecure. */
  readonly baseUrl: URL;
  private readonly transport: Transport;
  private readonly credentials: RegistryCredentials | undefined;
  private readonly options: OciClientOptions;
  private authScheme: Promise<AuthScheme> | undefined;
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly pendingTokens = new Map<string, Promise<IssuedToken>>();
  private identityToken: string | undefined;

  constructor(registry: string, options: OciClientOptions = {}) {
    this.registry = registry;
    this.options = options;
    this.transport = new Transport(options);
    this.credentials = options.credentials;
    this.identityToken = options.credentials?.identityToken;
    this.baseUrl = new URL(`${this.transport.scheme}://${registryApiHost(registry)}`);
  }

  /** Closes pooled connections. */
  close(): void {
    this.transport.close();
  }

  /**
   * `GET /v2/` without credentials: how the registry wants to be authenticated. Unreachable
   * registries fail with OciUnreachableError, other answers than 200/401 with OciRegistryError.
   */
  ping(): Promise<AuthScheme> {
    this.authScheme ??= this.doPing().catch((error: unknown) => {
      this.authScheme = undefined;
      throw error;
    });
    return this.authScheme;
  }

  private async doPing(): Promise<AuthScheme> {
    const response = await this.withRetries('GET', () =>
      this.transport.send({ method: 'GET', url: new URL('/v2/', this.baseUrl) }),
    );
    if (response.status === 200) {
      response.body.resume();
      return { scheme: 'none' };
    }
    if (response.status !== 401) throw await this.fail(`ping ${this.baseUrl.host}`, response);
    response.body.resume();
    const scheme = authSchemeOf(challengeOf(response));
    if (scheme.scheme === 'bearer')
      validateRealm(scheme.realm, this.baseUrl, this.transport.scheme === 'http');
    return scheme;
  }

  // ---- authentication --------------------------------------------------------------------------

  private async token(scheme: Extract<AuthScheme, { scheme: 'bearer' }>, scopes: string[], fresh: boolean) {
    const key = [...scopes].sort().join(' ');
    const cached = this.tokens.get(key);
    if (!fresh && cached && cached.expiresAt > Date.now()) return cached.token;
    let pending = this.pendingTokens.get(key);
    if (!pending) {
      const credentials = { ...this.credentials, identityToken: this.identityToken };
      pending = requestToken(this.transport, {
        realm: validateRealm(scheme.realm, this.baseUrl, this.transport.scheme === 'http'),
        service: scheme.service,
        scopes,
        credentials,
        clientId: this.options.clientId ?? 'flotilla',
      }).finally(() => this.pendingTokens.delete(key));
      this.pendingTokens.set(key, pending);
    }
    const issued = await pending;
    if (issued.refreshToken) this.identityToken = issued.refreshToken;
    this.tokens.set(key, issued);
    return issued.token;
  }

  private async authorization(scopes: string[], fresh = false): Promise<string | undefined> {
    if (this.credentials?.registryToken) return `Bearer ${this.credentials.registryToken}`;
    const scheme = await this.ping();
    if (scheme.scheme === 'bearer') return `Bearer ${await this.token(scheme, scopes, fresh)}`;
    if (this.credentials?.username !== undefined) return basicAuthorization(this.credentials);
    return undefined;
  }

  // ---- requests ----------------------------------------------------------------------------------

  private async withRetries(method: string, send: () => Promise<HttpResponse>): Promise<HttpResponse> {
    const idempotent = method === 'GET' || method === 'HEAD';
    const attempts = idempotent ? Math.max(1, this.options.retry?.attempts ?? 3) : 1;
    let wait = this.options.retry?.delayMs ?? 1000;
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await send();
        if (attempt >= attempts || !RETRY_STATUSES.has(response.status)) return response;
        response.body.resume();
      } catch (error) {
        if (!(error instanceof OciUnreachableError) || attempt >= attempts) throw error;
      }
      await delay(wait * (0.9 + Math.random() * 0.2));
      wait *= 3;
    }
  }

  /** Sends with auth, following redirects for GET/HEAD (Authorization only to the registry host). */
  private async sendOnce(spec: CallSpec, authorization: string | undefined): Promise<HttpResponse> {
    let url = spec.url;
    for (let hop = 0; ; hop++) {
      const headers = { ...spec.headers };
      if (authorization && url.host === this.baseUrl.host) headers.Authorization = authorization;
      const response = await this.withRetries(spec.method, () =>
        this.transport.send({ method: spec.method, url, headers, body: spec.body }),
      );
      const location = header(response, 'location');
      const follow =
        (spec.method === 'GET' || spec.method === 'HEAD') && REDIRECT_STATUSES.has(response.status);
      if (!follow || !location) return response;
      response.body.resume();
      if (hop >= MAX_REDIRECTS)
        throw new OciProtocolError(`${spec.method} ${spec.url.href}: too many redirects`);
      url = new URL(location, url);
    }
  }

  /** One API call: authenticates, and on a 401 re-authenticates once with the challenged scope. */
  private async call(spec: CallSpec): Promise<HttpResponse> {
    const response = await this.sendOnce(spec, await this.authorization(spec.scopes));
    if (response.status !== 401 || this.credentials?.registryToken) return response;
    const challenge = challengeOf(response);
    if (challenge?.scheme !== 'bearer') return response;
    // Some registries answer /v2/ with 200 but challenge per repository: adopt the challenge.
    if ((await this.ping()).scheme !== 'bearer') {
      const scheme = authSchemeOf(challenge);
      if (scheme.scheme === 'bearer')
        validateRealm(scheme.realm, this.baseUrl, this.transport.scheme === 'http');
      this.authScheme = Promise.resolve(scheme);
    }
    response.body.resume();
    const scopes = [...new Set([...spec.scopes, ...challengeScopes(challenge)])];
    return this.sendOnce({ ...spec, scopes }, await this.authorization(scopes, true));
  }

  /** The typed error for an unexpected response; says so when a 401 came without credentials. */
  private async fail(what: string, response: HttpResponse): Promise<OciError> {
    const error = await failure(what, response);
    const anonymous = !this.credentials || Object.values(this.credentials).every((value) => !value);
    if (error instanceof OciUnauthorizedError && anonymous && error.status === 401) {
      return new OciUnauthorizedError(
        `${error.message} (no credentials configured)`,
        error.status,
        error.details,
      );
    }
    return error;
  }

  private url(repository: string, path: string): URL {
    return new URL(`/v2/${repository}/${path}`, this.baseUrl);
  }

  private checkRegistry(reference: OciReference): void {
    if (reference.registry !== this.registry) {
      throw new OciReferenceError(`${formatReference(reference)} is not on registry ${this.registry}`);
    }
  }

  // ---- manifests -------------------------------------------------------------------------------

  /** HEAD a manifest: its digest, media type and size (GET when the registry omits the digest). */
  async headManifest(reference: OciReference): Promise<ManifestHead> {
    this.checkRegistry(reference);
    const what = `manifest ${formatReference(reference)}`;
    const response = await this.call({
      method: 'HEAD',
      url: this.url(reference.repository, `manifests/${manifestReference(reference)}`),
      headers: { Accept: MANIFEST_ACCEPT.join(', ') },
      scopes: [pullScope(reference.repository)],
    });
    response.body.resume();
    if (response.status !== 200) throw await this.fail(what, response);
    const digest = header(response, 'docker-content-digest');
    const mediaType = header(response, 'content-type');
    if (!digest || !mediaType) {
      const fetched = await this.getManifest(reference);
      return { digest: fetched.digest, mediaType: fetched.mediaType, size: fetched.size };
    }
    if (reference.digest && digest !== reference.digest) {
      throw new OciDigestMismatchError(what, reference.digest, digest);
    }
    return { digest, mediaType, size: Number(header(response, 'content-length') ?? 0) };
  }

  /**
   * GET a manifest or index by tag or digest. The bytes are checked against the digest asked for,
   * or else against the registry's Docker-Content-Digest.
   */
  async getManifest(reference: OciReference, options: { accept?: string[] } = {}): Promise<FetchedManifest> {
    this.checkRegistry(reference);
    const what = `manifest ${formatReference(reference)}`;
    const limit = this.options.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES;
    const response = await this.call({
      method: 'GET',
      url: this.url(reference.repository, `manifests/${manifestReference(reference)}`),
      headers: { Accept: (options.accept ?? MANIFEST_ACCEPT).join(', ') },
      scopes: [pullScope(reference.repository)],
    });
    if (response.status !== 200) throw await this.fail(what, response);
    const bytes = await readBody(response, limit);
    if (!bytes) throw new OciTooLargeError(what, limit);
    const digest = sha256(bytes);
    if (reference.digest) assertDigest(what, bytes, reference.digest);
    const announced = header(response, 'docker-content-digest');
    if (announced) assertDigest(what, bytes, announced);
    let manifest: ImageManifest | ImageIndex;
    try {
      manifest = JSON.parse(bytes.toString('utf8')) as ImageManifest | ImageIndex;
    } catch {
      throw new OciProtocolError(`${what}: not JSON`);
    }
    const mediaType = manifest.mediaType ?? header(response, 'content-type')?.split(';')[0] ?? '';
    return {
      reference: { ...reference, digest },
      digest,
      mediaType,
      size: bytes.byteLength,
      bytes,
      manifest,
    };
  }

  /**
   * GET an image manifest; when the reference names an index (multi-platform image), the manifest
   * for `platform` (default linux/amd64) is fetched from it.
   */
  async getImageManifest(
    reference: OciReference,
    platform: Platform = { os: 'linux', architecture: 'amd64' },
  ) {
    const fetched = await this.getManifest(reference);
    if (!isIndex(fetched.manifest) && !isIndexMediaType(fetched.mediaType)) return fetched;
    const chosen = selectPlatform(fetched.manifest as ImageIndex, platform);
    if (!chosen) {
      throw new OciNotFoundError(
        `${formatReference(reference)}: no manifest for platform ${platform.os}/${platform.architecture}${platform.variant ? `/${platform.variant}` : ''}`,
      );
    }
    return this.getManifest({
      registry: reference.registry,
      repository: reference.repository,
      digest: chosen.digest,
    });
  }

  /** PUT a manifest under the reference's tag (or digest); returns the manifest digest. */
  async putManifest(
    reference: OciReference,
    manifest: Uint8Array | object,
    mediaType: string,
  ): Promise<string> {
    this.checkRegistry(reference);
    const bytes = manifest instanceof Uint8Array ? manifest : Buffer.from(JSON.stringify(manifest));
    const what = `pushing manifest ${formatReference(reference)}`;
    const response = await this.call({
      method: 'PUT',
      url: this.url(reference.repository, `manifests/${manifestReference(reference)}`),
      headers: { 'Content-Type': mediaType },
      body: bytes,
      scopes: [pushScope(reference.repository)],
    });
    if (response.status !== 201) throw await this.fail(what, response);
    response.body.resume();
    const digest = sha256(bytes);
    const announced = header(response, 'docker-content-digest');
    if (announced && announced !== digest) throw new OciDigestMismatchError(what, digest, announced);
    return digest;
  }

  /** DELETE a manifest by digest. */
  async deleteManifest(reference: OciReference): Promise<void> {
    this.checkRegistry(reference);
    if (!reference.digest) throw new OciReferenceError('deleting a manifest needs a digest');
    const response = await this.call({
      method: 'DELETE',
      url: this.url(reference.repository, `manifests/${reference.digest}`),
      scopes: [`repository:${reference.repository}:delete`],
    });
    if (response.status !== 202) throw await this.fail(`deleting ${formatReference(reference)}`, response);
    response.body.resume();
  }

  // ---- blobs -----------------------------------------------------------------------------------

  /** The blob's size when the repository has it, else undefined. */
  async blobExists(repository: OciReference, digest: string): Promise<number | undefined> {
    this.checkRegistry(repository);
    return this.blobSize(repository, digest, [pullScope(repository.repository)]);
  }

  private async blobSize(repository: OciReference, digest: string, scopes: string[]) {
    const response = await this.call({
      method: 'HEAD',
      url: this.url(repository.repository, `blobs/${validateDigest(digest)}`),
      scopes,
    });
    response.body.resume();
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw await this.fail(`blob ${digest}`, response);
    return Number(header(response, 'content-length') ?? 0);
  }

  /**
   * Streams a blob. The stream fails with OciDigestMismatchError at its end when the bytes do not
   * hash to `digest`, and with OciTooLargeError past `maxBytes`: consume it to the end before
   * trusting what it gave.
   */
  async fetchBlob(
    repository: OciReference,
    digest: string,
    options: FetchBlobOptions = {},
  ): Promise<Readable> {
    this.checkRegistry(repository);
    const what = `blob ${repository.registry}/${repository.repository}@${digest}`;
    const { maxBytes } = options;
    if (maxBytes !== undefined && options.size !== undefined && options.size > maxBytes) {
      throw new OciTooLargeError(what, maxBytes, options.size);
    }
    const response = await this.call({
      method: 'GET',
      url: this.url(repository.repository, `blobs/${validateDigest(digest)}`),
      scopes: [pullScope(repository.repository)],
    });
    if (response.status !== 200) throw await this.fail(what, response);
    const length = header(response, 'content-length');
    const announced = length === undefined ? undefined : Number(length);
    if (maxBytes !== undefined && announced !== undefined && announced > maxBytes) {
      response.body.destroy();
      throw new OciTooLargeError(what, maxBytes, announced);
    }
    if (options.size !== undefined && announced !== undefined && announced !== options.size) {
      response.body.destroy();
      throw new OciProtocolError(
        `${what}: registry sends ${announced} bytes, the descriptor says ${options.size}`,
      );
    }
    const verifier = new VerifyingStream(what, digest, maxBytes);
    return pipeline(response.body, verifier, () => undefined);
  }

  /** Downloads a whole blob into memory, verified. */
  async readBlob(repository: OciReference, digest: string, options: FetchBlobOptions = {}): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.fetchBlob(repository, digest, options)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /**
   * Uploads a blob unless the repository already has it: cross-repository mount when asked,
   * otherwise POST then a monolithic PUT, or PATCH chunks of `chunkSize` for larger blobs.
   */
  async pushBlob(repository: OciReference, content: Uint8Array, options: PushBlobOptions = {}) {
    this.checkRegistry(repository);
    const digest = sha256(content);
    const descriptor = { digest, size: content.byteLength };
    const what = `uploading blob ${digest} to ${repository.repository}`;
    // The push token also covers the existence check: one token per push, not two.
    const scopes = [pushScope(repository.repository)];
    if ((await this.blobSize(repository, digest, scopes)) !== undefined) return descriptor;
    const start = this.url(repository.repository, 'blobs/uploads/');
    if (options.mountFrom) {
      start.searchParams.set('mount', digest);
      start.searchParams.set('from', options.mountFrom);
      scopes.push(pullScope(options.mountFrom));
    }
    const started = await this.call({ method: 'POST', url: start, scopes });
    if (started.status === 201) {
      started.body.resume();
      return descriptor;
    }
    if (started.status !== 202) throw await this.fail(what, started);
    started.body.resume();
    const location = this.uploadLocation(started, what);
    await this.upload(location, content, { digest, scopes, what });
    return descriptor;
  }

  private uploadLocation(response: HttpResponse, what: string): URL {
    const location = header(response, 'location');
    if (!location) throw new OciProtocolError(`${what}: upload response without Location`);
    return new URL(location, this.baseUrl);
  }

  private async upload(
    start: URL,
    content: Uint8Array,
    context: { digest: string; scopes: string[]; what: string },
  ): Promise<void> {
    const chunkSize = this.options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    let location = start;
    let body: Uint8Array | undefined = content;
    if (content.byteLength > chunkSize) {
      for (let offset = 0; offset < content.byteLength; offset += chunkSize) {
        const chunk = content.subarray(offset, Math.min(offset + chunkSize, content.byteLength));
        const patched = await this.call({
          method: 'PATCH',
          url: location,
          headers: {
            'Content-Type': 'application/octet-stream',
            'Content-Range': `${offset}-${offset + chunk.byteLength - 1}`,
          },
          body: chunk,
          scopes: context.scopes,
        });
        if (patched.status !== 202) throw await this.fail(`${context.what} (chunk at ${offset})`, patched);
        patched.body.resume();
        location = this.uploadLocation(patched, context.what);
      }
      body = undefined;
    }
    const finish = new URL(location);
    finish.searchParams.set('digest', context.digest);
    const finished = await this.call({
      method: 'PUT',
      url: finish,
      headers: { 'Content-Type': 'application/octet-stream' },
      body,
      scopes: context.scopes,
    });
    if (finished.status !== 201) throw await this.fail(context.what, finished);
    finished.body.resume();
  }

  // ---- tags ------------------------------------------------------------------------------------

  /**
   * Every tag of a repository, following `Link: <…>; rel="next"` pages. `pageSize` sets `n` on the
   * first request (registries may ignore it); the next links are requested verbatim.
   */
  async listTags(repository: OciReference, options: { pageSize?: number } = {}): Promise<string[]> {
    this.checkRegistry(repository);
    let url: URL | undefined = this.url(repository.repository, 'tags/list');
    if (options.pageSize) url.searchParams.set('n', String(options.pageSize));
    const tags: string[] = [];
    while (url) {
      const response = await this.call({ method: 'GET', url, scopes: [pullScope(repository.repository)] });
      const what = `listing tags of ${repository.registry}/${repository.repository}`;
      if (response.status !== 200) throw await this.fail(what, response);
      const body = await readBody(response, this.options.maxManifestBytes ?? DEFAULT_MAX_MANIFEST_BYTES);
      if (!body) throw new OciTooLargeError(`${what} (one page)`, DEFAULT_MAX_MANIFEST_BYTES);
      const page = parseTagPage(body, what);
      tags.push(...page);
      url = nextPage(response, url, what);
    }
    return tags;
  }
}

function parseTagPage(body: Buffer, what: string): string[] {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { tags?: unknown };
    if (parsed.tags === null || parsed.tags === undefined) return [];
    if (!Array.isArray(parsed.tags)) throw new Error('tags is not a list');
    return parsed.tags.map(String);
  } catch (error) {
    throw new OciProtocolError(`${what}: bad tag list: ${(error as Error).message}`);
  }
}

/** The `rel="next"` page of a Link header, on the same scheme and host as the request. */
function nextPage(response: HttpResponse, current: URL, what: string): URL | undefined {
  const link = header(response, 'link');
  if (!link) return undefined;
  const start = link.indexOf('<');
  const end = link.indexOf('>', start);
  if (start < 0 || end < 0) throw new OciProtocolError(`${what}: malformed Link header "${link}"`);
  const next = new URL(link.slice(start + 1, end), current);
  if (next.protocol !== current.protocol || next.host !== current.host) {
    throw new OciProtocolError(`${what}: Link header leaves the registry: ${next.href}`);
  }
  return next;
}

/** The index entry for a platform: os and architecture equal, variant equal when asked for. */
export function selectPlatform(index: ImageIndex, platform: Platform): Descriptor | undefined {
  return index.manifests.find(
    (entry) =>
      entry.platform?.os === platform.os &&
      entry.platform.architecture === platform.architecture &&
      (platform.variant === undefined || entry.platform.variant === platform.variant),
  );
}

/** A client for the reference's registry. */
export function clientFor(reference: OciReference, options: OciClientOptions = {}): OciClient {
  return new OciClient(reference.registry, options);
}
