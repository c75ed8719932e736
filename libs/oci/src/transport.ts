// HTTP(S) for the registry client on node:http/https rather than fetch: fetch cannot take a private
// CA or a client certificate without undici's dispatcher, and we want redirects under our control
// (Authorization must not follow a blob redirect to another host).
import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import { OciConfigError, OciUnreachableError } from './errors.js';

export interface TlsOptions {
  /** PEM CA bundle trusted in addition to the system roots (`ca.crt` of a certSecretRef). */
  ca?: string | Buffer | Array<string | Buffer>;
  /** PEM client certificate and key (`tls.crt` / `tls.key`), both or neither. */
  cert?: string | Buffer;
  key?: string | Buffer;
}

/** An HTTP forward proxy (`proxySecretRef`: `address`, `username`, `password`). */
export interface ProxyOptions {
  /** `http://host:port` or `https://host:port`; socks5 is not supported. */
  url: string;
  username?: string;
  password?: string;
  /** Hosts that bypass the proxy, NO_PROXY syntax (`.example.com,10.0.0.0/8`). */
  noProxy?: string;
}

export interface TransportOptions {
  /** Plain HTTP instead of HTTPS (Flux `insecure: true`). */
  insecure?: boolean;
  tls?: TlsOptions;
  /** Per-request inactivity timeout (no bytes for this long fails the request); default 60 s. */
  timeoutMs?: number;
  userAgent?: string;
  /** Send everything through this proxy; `'environment'` uses HTTP(S)_PROXY / NO_PROXY. Default none. */
  proxy?: ProxyOptions | 'environment';
}

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: URL;
  headers?: Record<string, string>;
  body?: Uint8Array;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** Must be consumed or destroyed by the caller. */
  body: IncomingMessage;
  url: URL;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_USER_AGENT = 'flotilla-oci/0.1';

function systemCas(extra: TlsOptions['ca']): Array<string | Buffer> | undefined {
  if (extra === undefined) return undefined;
  // Setting `ca` replaces Node's roots; Flux adds the Secret's CA to the system pool instead.
  const added = Array.isArray(extra) ? extra : [extra];
  return [...rootCertificates, ...added];
}

// Node's agents (v24.5+) tunnel through a proxy given as proxy environment variables; credentials
// go into the proxy URL, which Node turns into Proxy-Authorization.
function proxyEnv(proxy: TransportOptions['proxy']): NodeJS.ProcessEnv | undefined {
  if (proxy === undefined) return undefined;
  if (proxy === 'environment') return process.env;
  let url: URL;
  try {
    url = new URL(proxy.url);
  } catch {
    throw new OciConfigError(`proxy address "${proxy.url}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OciConfigError(`proxy address "${proxy.url}": only http:// and https:// proxies are supported`);
  }
  if (proxy.username !== undefined) url.username = encodeURIComponent(proxy.username);
  if (proxy.password !== undefined) url.password = encodeURIComponent(proxy.password);
  return {
    HTTP_PROXY: url.href,
    HTTPS_PROXY: url.href,
    ...(proxy.noProxy ? { NO_PROXY: proxy.noProxy } : {}),
  };
}

/** One connection pool per client, with its TLS settings. */
export class Transport {
  readonly scheme: 'http' | 'https';
  private readonly httpAgent: HttpAgent;
  private readonly httpsAgent: HttpsAgent;
  private readonly timeoutMs: number;
  private readonly userAgent: string;

  constructor(options: TransportOptions = {}) {
    this.scheme = options.insecure ? 'http' : 'https';
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    const tls = options.tls ?? {};
    const proxy = proxyEnv(options.proxy);
    this.httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 8, ...(proxy ? { proxyEnv: proxy } : {}) });
    this.httpsAgent = new HttpsAgent({
      keepAlive: true,
      maxSockets: 8,
      ...(proxy ? { proxyEnv: proxy } : {}),
      ca: systemCas(tls.ca),
      cert: tls.cert,
      key: tls.key,
    });
  }

  /** One request, no redirects, no retries; network failures become OciUnreachableError. */
  send(request: HttpRequest): Promise<HttpResponse> {
    const secure = request.url.protocol === 'https:';
    const send = secure ? httpsRequest : httpRequest;
    const headers: Record<string, string> = { 'User-Agent': this.userAgent, ...request.headers };
    if (request.body) headers['Content-Length'] = String(request.body.byteLength);
    else if (request.method === 'PUT' || request.method === 'POST' || request.method === 'PATCH')
      headers['Content-Length'] = '0';
    return new Promise((resolve, reject) => {
      const sent = send(
        request.url,
        { method: request.method, headers, agent: secure ? this.httpsAgent : this.httpAgent },
        (response) => {
          response.setTimeout(this.timeoutMs, () =>
            response.destroy(
              new OciUnreachableError(
                `${request.method} ${request.url.href}: no data for ${this.timeoutMs} ms`,
              ),
            ),
          );
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: response,
            url: request.url,
          });
        },
      );
      sent.setTimeout(this.timeoutMs, () =>
        sent.destroy(
          new OciUnreachableError(
            `${request.method} ${request.url.href}: timed out after ${this.timeoutMs} ms`,
          ),
        ),
      );
      sent.on('error', (error: NodeJS.ErrnoException) => {
        if (error instanceof OciUnreachableError) reject(error);
        else
          reject(
            new OciUnreachableError(
              `${request.method} ${request.url.href}: ${error.code ? `${error.code}: ` : ''}${error.message}`,
              error,
            ),
          );
      });
      sent.end(request.body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

/** Reads a response body into memory, failing once it exceeds `limit` bytes. */
export async function readBody(response: HttpResponse, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += (chunk as Buffer).byteLength;
    if (size > limit) {
      response.body.destroy();
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function header(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
