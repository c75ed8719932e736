// The Kubernetes client controllers use: JSON requests with typed Status errors, 429 retries
// honouring Retry-After, watch streams, paged lists, discovery of kinds, and impersonating copies
// that share the connection pool and the QPS/burst budget.
import type { KubeConfig } from '@kubernetes/client-node';
import type { RuntimeMetrics } from '../metrics/runtime-metrics.js';
import { systemClock, type Clock } from '../queue/clock.js';
import { KubeStatusError, KubeTransportError, type StatusBody } from './errors.js';
import { loadKubeConfig, type KubeConfigSource } from './kubeconfig.js';
import { apiVersionOf, collectionPath, objectPath, type ApiObject, type ResourceType } from './resource.js';
import { readBody, Transport, type HttpMethod, type Impersonation, type QueryValue } from './transport.js';

export type { Impersonation, HttpMethod } from './transport.js';

export type PatchType = 'merge' | 'json' | 'apply' | 'strategic';

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
  strategic: 'application/strategic-merge-patch+json',
};

export interface KubeRequest {
  method: HttpMethod;
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T extends ApiObject = ApiObject> {
  type: WatchEventType;
  object: T;
}

export interface WatchRequest<T extends ApiObject = ApiObject> {
  path: string;
  query?: Record<string, QueryValue>;
  signal?: AbortSignal;
  /** The stream is treated as dead after this long without a line (default 10 minutes). */
  idleTimeoutMs?: number;
  onEvent(event: WatchEvent<T>): void;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size (default 500). */
  limit?: number;
  signal?: AbortSignal;
}

export interface ListResult<T extends ApiObject> {
  items: T[];
  resourceVersion: string;
}

export interface WriteOptions {
  fieldManager?: string;
  force?: boolean;
  subresource?: string;
  dryRun?: boolean;
  signal?: AbortSignal;
}

export interface KubeClientOptions {
  /** A loaded KubeConfig, or where to load one from. */
  kubeConfig?: KubeConfig;
  source?: KubeConfigSource;
  /** Flux's --kube-api-qps (default 50) and --kube-api-burst (default 300). */
  qps?: number;
  burst?: number;
  /** Also the implicit field manager of writes without one (up to the first '/'). */
  userAgent?: string;
  /** Field manager of writes that name none (default: the user agent's product). */
  fieldManager?: string;
  metrics?: RuntimeMetrics;
  clock?: Clock;
  /** Inactivity timeout of non-watch requests (default 60 s). */
  requestTimeoutMs?: number;
  /** Retries of a 429 answer, honouring Retry-After (default 3). */
  throttleRetries?: number;
}

interface ClientCore {
  transport: Transport;
  kubeConfig: KubeConfig;
  clock: Clock;
  fieldManager: string;
  requestTimeoutMs: number;
  throttleRetries: number;
  discovery: Map<string, Promise<ResourceType[]>>;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function statusBodyOf(parsed: unknown, status: number, text: string): StatusBody {
  if (parsed && typeof parsed === 'object' && (parsed as StatusBody).kind === 'Status')
    return parsed as StatusBody;
  return { code: status, message: text.slice(0, 1024) };
}

const retryAfterMs = (header: string | string[] | undefined): number => {
  const seconds = Number(Array.isArray(header) ? header[0] : header);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 10) * 1000 : 1000;
};

export class KubeClient {
  private constructor(
    private readonly core: ClientCore,
    readonly impersonation: Impersonation | undefined,
  ) {}

  static create(options: KubeClientOptions = {}): KubeClient {
    const kubeConfig = options.kubeConfig ?? loadKubeConfig(options.source).kubeConfig;
    const clock = options.clock ?? systemClock();
    const userAgent = options.userAgent ?? 'flotilla/0.1.0';
    const transport = new Transport({
      kubeConfig,
      qps: options.qps ?? 50,
      burst: options.burst ?? 300,
      clock,
      userAgent,
      metrics: options.metrics,
    });
    return new KubeClient(
      {
        transport,
        kubeConfig,
        clock,
        fieldManager: options.fieldManager ?? userAgent.split('/')[0] ?? 'flotilla',
        requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
        throttleRetries: options.throttleRetries ?? 3,
        discovery: new Map(),
      },
      undefined,
    );
  }

  get kubeConfig(): KubeConfig {
    return this.core.kubeConfig;
  }

  /** The API server URL. */
  get server(): string {
    return this.core.transport.server.toString().replace(/\/$/, '');
  }

  /** The kubeconfig context's namespace, or 'default'. */
  get namespace(): string {
    const context = this.core.kubeConfig.getContextObject(this.core.kubeConfig.getCurrentContext());
    return context?.namespace ?? 'default';
  }

  get fieldManager(): string {
    return this.core.fieldManager;
  }

  /** A client acting as another identity (Impersonate-* headers); shares connections and rate limit. */
  impersonate(who: Impersonation): KubeClient {
    return new KubeClient(this.core, who);
  }

  /** Impersonates `system:serviceaccount:<namespace>:<name>`, as Flux's serviceAccountName does. */
  forServiceAccount(namespace: string, name: string): KubeClient {
    return this.impersonate({ user: `system:serviceaccount:${namespace}:${name}` });
  }

  /** Sends one JSON request; throws KubeStatusError for non-2xx answers. */
  async request<T = unknown>(request: KubeRequest): Promise<T> {
    const target = { method: request.method, path: request.path };
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['Content-Type'] = request.contentType ?? 'application/json';
    for (let attempt = 0; ; attempt++) {
      const response = await this.core.transport.send(
        {
          method: request.method,
          path: request.path,
          query: request.query,
          headers,
          body,
          timeoutMs: request.timeoutMs ?? this.core.requestTimeoutMs,
          signal: request.signal,
        },
        this.impersonation,
      );
      const status = response.statusCode ?? 0;
      const text = await readBody(response).catch((error: unknown) => {
        throw new KubeTransportError(`reading the answer: ${(error as Error).message}`, target, {
          cause: error,
        });
      });
      const parsed = parseJson(text);
      if (status === 429 && attempt < this.core.throttleRetries) {
        await this.sleep(retryAfterMs(response.headers['retry-after']));
        continue;
      }
      if (status < 200 || status >= 300)
        throw new KubeStatusError(status, statusBodyOf(parsed, status, text), target);
      return parsed as T;
    }
  }

  /**
   * Streams a watch. Resolves when the server ends the stream cleanly (or `signal` aborts);
   * rejects with KubeStatusError for a non-200 answer, KubeTransportError when the connection fails.
   */
  async watch<T extends ApiObject = ApiObject>(request: WatchRequest<T>): Promise<void> {
    const target = { method: 'GET', path: request.path };
    let response;
    try {
      response = await this.core.transport.send(
        {
          method: 'GET',
          path: request.path,
          query: { ...request.query, watch: 'true' },
          timeoutMs: request.idleTimeoutMs ?? 600_000,
          signal: request.signal,
        },
        this.impersonation,
      );
    } catch (error) {
      if (request.signal?.aborted) return;
      throw error;
    }
    const status = response.statusCode ?? 0;
    if (status !== 200) {
      const text = await readBody(response).catch(() => '');
      throw new KubeStatusError(status, statusBodyOf(parseJson(text), status, text), target);
    }
    response.setEncoding('utf8');
    await readLines(response, (line) => {
      const event = parseJson(line) as WatchEvent<T> | undefined;
      if (event && typeof event.type === 'string' && event.object) request.onEvent(event);
    }).catch((error: unknown) => {
      if (request.signal?.aborted) return;
      throw new KubeTransportError(`watch stream: ${(error as Error).message}`, target, { cause: error });
    });
  }

  async get<T extends ApiObject = ApiObject>(
    resource: ResourceType,
    namespace: string | undefined,
    name: string,
    options: { subresource?: string; signal?: AbortSignal } = {},
  ): Promise<T> {
    return this.request<T>({
      method: 'GET',
      path: objectPath(resource, namespace, name, options.subresource),
      signal: options.signal,
    });
  }

  /** Lists every page; the result carries the list's resourceVersion for a following watch. */
  async list<T extends ApiObject = ApiObject>(
    resource: ResourceType,
    options: ListOptions = {},
  ): Promise<ListResult<T>> {
    const items: T[] = [];
    let continueToken: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.request<{
        items?: T[];
        metadata?: { resourceVersion?: string; continue?: string };
      }>({
        method: 'GET',
        path: collectionPath(resource, options.namespace),
        query: {
          labelSelector: options.labelSelector,
          fieldSelector: options.fieldSelector,
          limit: options.limit ?? 500,
          continue: continueToken,
        },
        signal: options.signal,
      });
      for (const item of page.items ?? [])
        items.push({ apiVersion: apiVersionOf(resource), kind: resource.kind, ...item });
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
      continueToken = page.metadata?.continue || undefined;
    } while (continueToken);
    return { items, resourceVersion };
  }

  async create<T extends ApiObject = ApiObject>(
    resource: ResourceType,
    object: ApiObject,
    options: WriteOptions = {},
  ): Promise<T> {
    return this.request<T>({
      method: 'POST',
      path: collectionPath(
        resource,
        resource.namespaced ? (object.metadata?.namespace ?? this.namespace) : undefined,
      ),
      query: this.writeQuery(options),
      body: { apiVersion: apiVersionOf(resource), kind: resource.kind, ...object },
      signal: options.signal,
    });
  }

  async patch<T extends ApiObject = ApiObject>(
    resource: ResourceType,
    target: { namespace?: string; name: string },
    patch: unknown,
    options: WriteOptions & { type?: PatchType } = {},
  ): Promise<T> {
    const type = options.type ?? 'merge';
    return this.request<T>({
      method: 'PATCH',
      path: objectPath(resource, target.namespace, target.name, options.subresource),
      query: { ...this.writeQuery(options), force: type === 'apply' && options.force ? 'true' : undefined },
      body: patch,
      contentType: PATCH_CONTENT_TYPES[type],
      signal: options.signal,
    });
  }

  async delete(
    resource: ResourceType,
    target: { namespace?: string; name: string },
    options: { propagationPolicy?: 'Background' | 'Foreground' | 'Orphan'; signal?: AbortSignal } = {},
  ): Promise<void> {
    await this.request({
      method: 'DELETE',
      path: objectPath(resource, target.namespace, target.name),
      query: { propagationPolicy: options.propagationPolicy },
      signal: options.signal,
    });
  }

  /** Finds where `kind` of `apiVersion` is served (discovery, cached; refetched when missing). */
  async resolve(apiVersion: string, kind: string): Promise<ResourceType> {
    const cached = await this.discover(apiVersion, false);
    const found =
      cached.find((r) => r.kind === kind) ??
      (await this.discover(apiVersion, true)).find((r) => r.kind === kind);
    if (!found)
      throw new KubeStatusError(
        404,
        { reason: 'NotFound', message: `no kind ${kind} served in ${apiVersion}` },
        {
          method: 'GET',
          path: apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`,
        },
      );
    return found;
  }

  /** Closes pooled connections. */
  close(): void {
    this.core.transport.close();
  }

  private discover(apiVersion: string, refresh: boolean): Promise<ResourceType[]> {
    let entry = this.core.discovery.get(apiVersion);
    if (!entry || refresh) {
      const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
      entry = this.request<{ resources?: { name: string; kind: string; namespaced: boolean }[] }>({
        method: 'GET',
        path: group === '' ? `/api/${version}` : `/apis/${group}/${version}`,
      }).then((list) =>
        // Subresources ('deployments/status') share the kind; only main entries address objects.
        (list.resources ?? [])
          .filter((r) => !r.name.includes('/'))
          .map((r) => ({
            group: group ?? '',
            version: version ?? '',
            kind: r.kind,
            plural: r.name,
            namespaced: r.namespaced,
          })),
      );
      entry.catch(() => this.core.discovery.delete(apiVersion));
      this.core.discovery.set(apiVersion, entry);
    }
    return entry;
  }

  private writeQuery(options: WriteOptions): Record<string, QueryValue> {
    return {
      fieldManager: options.fieldManager ?? this.core.fieldManager,
      dryRun: options.dryRun ? 'All' : undefined,
    };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.core.clock.setTimer(resolve, ms));
  }
}

/** Calls `onLine` for each newline-terminated line of a stream. */
async function readLines(stream: AsyncIterable<unknown>, onLine: (line: string) => void): Promise<void> {
  let pending = '';
  for await (const chunk of stream) {
    pending += String(chunk);
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line !== '') onLine(line);
      newline = pending.indexOf('\n');
    }
  }
  if (pending.trim() !== '') onLine(pending.trim());
}
