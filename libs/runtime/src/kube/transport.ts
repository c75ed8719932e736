// HTTP(S) transport to the API server: kubeconfig credentials (token, client certificate,
// exec/token-file providers via client-node), one keep-alive agent per cluster, the client-side
// rate limit, and rest_client_* metrics. Shared by a client and its impersonating copies.
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import type { RuntimeMetrics } from '../metrics/runtime-metrics.js';
import type { Clock } from '../queue/clock.js';
import { KubeConfigError, KubeTransportError } from './errors.js';
import { TokenBucket } from './rate-limiter.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | undefined;

export interface Impersonation {
  /** e.g. `system:serviceaccount:<namespace>:<name>`. */
  user: string;
  groups?: string[];
  uid?: string;
}

export interface TransportRequest {
  method: HttpMethod;
  path: string;
  query?: Record<string, QueryValue>;
  headers?: Record<string, string | string[]>;
  body?: string;
  /** Inactivity timeout of the connection. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface TransportOptions {
  kubeConfig: KubeConfig;
  qps: number;
  burst: number;
  clock: Clock;
  userAgent: string;
  metrics?: RuntimeMetrics;
}

type AuthOptions = https.RequestOptions;
type Headers = Record<string, string | string[] | number>;

export class Transport {
  readonly server: URL;
  readonly limiter: TokenBucket;
  private agent: http.Agent | undefined;
  private readonly proxied: boolean;

  constructor(private readonly options: TransportOptions) {
    const cluster = options.kubeConfig.getCurrentCluster();
    if (!cluster) throw new KubeConfigError('kubeconfig has no current cluster');
    this.server = new URL(cluster.server);
    this.proxied = Boolean(cluster.proxyUrl);
    this.limiter = new TokenBucket({ qps: options.qps, burst: options.burst, clock: options.clock });
  }

  get host(): string {
    return this.server.host;
  }

  url(path: string, query: Record<string, QueryValue> = {}): URL {
    const url = new URL(this.server.toString());
    url.pathname = `${url.pathname.replace(/\/$/, '')}${path}`;
    for (const [key, value] of Object.entries(query))
      if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    return url;
  }

  /** Sends a request after taking a rate-limit token; resolves with the response head. */
  async send(request: TransportRequest, impersonation?: Impersonation): Promise<IncomingMessage> {
    const waited = await this.limiter.take();
    this.options.metrics?.restClientRateLimiterDuration.observe(
      { verb: request.method, host: this.host },
      waited / 1000,
    );
    const target = { method: request.method, path: request.path };
    const auth = await this.authOptions(request.method, target);
    const headers: Headers = {
      ...(auth.headers as Headers | undefined),
      Accept: 'application/json',
      'User-Agent': this.options.userAgent,
      ...request.headers,
    };
    if (impersonation) applyImpersonation(headers, impersonation);
    if (request.body !== undefined) headers['Content-Length'] = Buffer.byteLength(request.body);
    const url = this.url(request.path, request.query);
    const module = url.protocol === 'https:' ? https : http;
    try {
      const response = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = module.request(url, {
          ...tlsFields(auth),
          method: request.method,
          headers,
          agent: this.agentFor(auth),
        });
        // Aborting by hand rather than with the `signal` option: Node would destroy a pooled
        // keep-alive socket with an error nobody listens to once the answer was read.
        let answer: IncomingMessage | undefined;
        const onAbort = () => (answer ? answer.destroy() : req.destroy(new Error('aborted')));
        request.signal?.addEventListener('abort', onAbort, { once: true });
        req.once('close', () => request.signal?.removeEventListener('abort', onAbort));
        req.setTimeout(request.timeoutMs, () =>
          req.destroy(new Error(`no answer within ${request.timeoutMs}ms`)),
        );
        req.once('response', (res: IncomingMessage) => {
          answer = res;
          resolve(res);
        });
        // Kept for the request's whole life: errors after the answer arrived must not go unhandled.
        req.on('error', reject);
        if (request.signal?.aborted) onAbort();
        req.end(request.body);
      });
      // Readers see errors through their iterator; this covers the time no reader is attached.
      response.on('error', () => undefined);
      this.count(request.method, String(response.statusCode ?? 0));
      return response;
    } catch (error) {
      this.count(request.method, '<error>');
      throw new KubeTransportError((error as Error).message, target, { cause: error });
    }
  }

  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }

  private count(method: string, code: string): void {
    this.options.metrics?.restClientRequests.inc({ code, host: this.host, method });
  }

  private async authOptions(method: string, target: { method: string; path: string }): Promise<AuthOptions> {
    const options: AuthOptions = { method, headers: {} };
    try {
      await this.options.kubeConfig.applyToHTTPSOptions(options);
    } catch (error) {
      throw new KubeTransportError(`credentials: ${(error as Error).message}`, target, { cause: error });
    }
    return options;
  }

  /** One keep-alive agent per transport; proxied clusters use client-node's proxy agent. */
  private agentFor(auth: AuthOptions): http.Agent | undefined {
    if (this.proxied) return auth.agent as http.Agent | undefined;
    this.agent ??=
      this.server.protocol === 'https:'
        ? new https.Agent({ keepAlive: true, ...tlsFields(auth) })
        : new http.Agent({ keepAlive: true });
    return this.agent;
  }
}

function tlsFields(auth: AuthOptions): https.AgentOptions {
  const fields: https.AgentOptions = {};
  if (auth.ca) fields.ca = auth.ca;
  if (auth.cert) fields.cert = auth.cert;
  if (auth.key) fields.key = auth.key;
  if (auth.servername) fields.servername = auth.servername;
  if (auth.rejectUnauthorized !== undefined) fields.rejectUnauthorized = auth.rejectUnauthorized;
  return fields;
}

function applyImpersonation(headers: Headers, who: Impersonation): void {
  for (const key of Object.keys(headers)) if (/^impersonate-/i.test(key)) delete headers[key];
  headers['Impersonate-User'] = who.user;
  if (who.groups && who.groups.length > 0) headers['Impersonate-Group'] = who.groups;
  if (who.uid) headers['Impersonate-Uid'] = who.uid;
}

/** Reads a whole response body as text. */
export async function readBody(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
