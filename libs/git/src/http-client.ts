// isomorphic-git's HTTP plugin on node:http/https, with what its bundled client lacks: a custom CA,
// a client certificate, an HTTP(S) proxy (CONNECT tunnel for https, absolute-URI requests for http)
// and a per-request idle timeout. Network failures surface as typed GitErrors.
import {
  request as httpRequest,
  Agent as HttpAgent,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git';
import { GitError, GitUnreachableError, networkError } from './errors.js';

export interface ProxyOptions {
  /** `http://host:port` or `https://host:port`; userinfo in the URL is used as credentials too. */
  url: string;
  username?: string;
  password?: string;
}

export interface HttpClientOptions {
  /** PEM CA bundle trusted in addition to (not instead of) nothing: when set, only these CAs. */
  caCert?: string;
  /** PEM client certificate and key for mutual TLS (both or neither). */
  clientCert?: string;
  clientKey?: string;
  proxy?: ProxyOptions;
  /** Idle time after which a request fails; 60 s by default. */
  timeoutMs?: number;
}

export interface ClosableHttpClient extends HttpClient {
  /** Drops kept-alive connections. */
  close(): void;
}

async function collectBody(body: GitHttpRequest['body']): Promise<Buffer | undefined> {
  if (!body) return undefined;
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function proxyAuthorization(proxy: ProxyOptions, parsed: URL): string | undefined {
  const username = proxy.username ?? (parsed.username ? decodeURIComponent(parsed.username) : undefined);
  const password = proxy.password ?? (parsed.password ? decodeURIComponent(parsed.password) : '');
  if (!username) return undefined;
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

function parseProxy(proxy: ProxyOptions): URL {
  let parsed: URL;
  try {
    parsed = new URL(proxy.url);
  } catch {
    throw new GitError('ProxyFailed', `invalid proxy URL '${proxy.url}'`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new GitError('ProxyFailed', `unsupported proxy scheme '${parsed.protocol}': use http or https`);
  }
  return parsed;
}

function proxyDisplay(parsed: URL): string {
  return `${parsed.protocol}//${parsed.host}`;
}

/** Opens a CONNECT tunnel through the proxy to host:port. */
async function connectTunnel(proxy: ProxyOptions, target: URL, timeoutMs: number): Promise<Socket> {
  const parsed = parseProxy(proxy);
  const authority = `${target.hostname}:${target.port || 443}`;
  const headers: Record<string, string> = { host: authority };
  const authorization = proxyAuthorization(proxy, parsed);
  if (authorization) headers['proxy-authorization'] = authorization;
  const send = parsed.protocol === 'https:' ? httpsRequest : httpRequest;
  const connectRequest = send({
    host: parsed.hostname,
    port: parsed.port || (parsed.protocol === 'https:' ? 443 : 80),
    method: 'CONNECT',
    path: authority,
    headers,
    agent: false,
    timeout: timeoutMs,
  });
  return new Promise<Socket>((resolve, reject) => {
    connectRequest.once('connect', (response: IncomingMessage, socket: Socket) => {
      if (response.statusCode === 200) return resolve(socket);
      socket.destroy();
      reject(
        new GitError(
          response.statusCode === 407 ? 'AuthenticationFailed' : 'ProxyFailed',
          `proxy ${proxyDisplay(parsed)} refused CONNECT ${authority}: HTTP ${response.statusCode}`,
        ),
      );
    });
    connectRequest.once('timeout', () =>
      connectRequest.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
    );
    connectRequest.once('error', (error) =>
      reject(networkError(error, `proxy ${proxyDisplay(parsed)}`) ?? error),
    );
    connectRequest.end();
  });
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

interface Prepared {
  options: RequestOptions;
  secure: boolean;
}

function tlsOptions(options: HttpClientOptions): ConnectionOptions {
  const tls: ConnectionOptions = {};
  if (options.caCert) tls.ca = options.caCert;
  if (options.clientCert && options.clientKey) {
    tls.cert = options.clientCert;
    tls.key = options.clientKey;
  }
  return tls;
}

type SendOnce = (request: GitHttpRequest, body: Buffer | undefined) => Promise<GitHttpResponse>;

/**
 * Wraps a single-request sender: follows up to 5 redirects of GETs (e.g. http → https) and, as git
 * does, sends later requests (the POSTs, which are never replayed) to where the ref discovery moved.
 */
function followingRedirects(once: SendOnce): (request: GitHttpRequest) => Promise<GitHttpResponse> {
  // Where a redirect moved the repository: later requests (the POSTs) go there too, as git does.
  let moved: { from: string; to: string } | undefined;

  function rebased(request: GitHttpRequest): GitHttpRequest {
    if (!moved || !request.url.startsWith(moved.from)) return request;
    const url = moved.to + request.url.slice(moved.from.length);
    return { ...request, url, headers: headersFor(url, request.url, request.headers ?? {}) };
  }

  /** Credentials stay with the host name they were given for (an http → https move keeps them). */
  function headersFor(
    url: string,
    original: string,
    headers: Record<string, string>,
  ): Record<string, string> {
    if (new URL(url).hostname === new URL(original).hostname) return headers;
    const kept = { ...headers };
    delete kept.authorization;
    return kept;
  }

  function rememberMove(from: string, to: string): void {
    const suffix = '/info/refs';
    const fromAt = from.indexOf(suffix);
    const toAt = to.indexOf(suffix);
    if (fromAt >= 0 && toAt >= 0) moved = { from: from.slice(0, fromAt), to: to.slice(0, toAt) };
  }

  async function send(request: GitHttpRequest): Promise<GitHttpResponse> {
    const body = await collectBody(request.body);
    let current = rebased(request);
    for (let hop = 0; ; hop += 1) {
      const response = await once(current, body);
      const location = response.headers?.location;
      const redirect = REDIRECTS.has(response.statusCode) && location && (current.method ?? 'GET') === 'GET';
      if (!redirect || hop >= 5) return response;
      (response.body as unknown as IncomingMessage).resume();
      const next = new URL(location, current.url).toString();
      rememberMove(request.url, next);
      current = { ...current, url: next, headers: headersFor(next, current.url, current.headers ?? {}) };
    }
  }
  return send;
}

export function createHttpClient(options: HttpClientOptions = {}): ClosableHttpClient {
  if (Boolean(options.clientCert) !== Boolean(options.clientKey)) {
    throw new GitError('InvalidOptions', 'a client certificate needs both tls.crt and tls.key');
  }
  const timeoutMs = options.timeoutMs ?? 60_000;
  const tls = tlsOptions(options);
  const httpAgent = new HttpAgent({ keepAlive: true });
  const httpsAgent = new HttpsAgent({ keepAlive: true, ...tls });

  async function prepare(target: URL, headers: Record<string, string>): Promise<Prepared> {
    const secure = target.protocol === 'https:';
    const base: RequestOptions = { headers, timeout: timeoutMs };
    if (!options.proxy) {
      return {
        secure,
        options: {
          ...base,
          host: target.hostname,
          port: target.port,
          path: `${target.pathname}${target.search}`,
          agent: secure ? httpsAgent : httpAgent,
        },
      };
    }
    if (!secure) {
      // Plain HTTP through a proxy: the request line carries the absolute URI.
      const proxy = parseProxy(options.proxy);
      const authorization = proxyAuthorization(options.proxy, proxy);
      const proxyHeaders = authorization ? { ...headers, 'proxy-authorization': authorization } : headers;
      return {
        secure: proxy.protocol === 'https:',
        options: {
          ...base,
          headers: proxyHeaders,
          host: proxy.hostname,
          port: proxy.port,
          path: target.toString(),
          agent: false,
        },
      };
    }
    const tunnel = await connectTunnel(options.proxy, target, timeoutMs);
    // SNI takes host names only.
    const servername = isIP(target.hostname) ? undefined : target.hostname;
    const socket = tlsConnect({ ...tls, socket: tunnel, servername });
    // No agent at all: with one (even `agent: false`) Node ignores createConnection and dials directly.
    return {
      secure,
      options: {
        ...base,
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        createConnection: () => socket,
      },
    };
  }

  async function once(request: GitHttpRequest, body: Buffer | undefined): Promise<GitHttpResponse> {
    const target = new URL(request.url);
    const headers: Record<string, string> = { ...(request.headers ?? {}) };
    if (body) headers['content-length'] = String(body.length);
    const prepared = await prepare(target, headers);
    const make = prepared.secure ? httpsRequest : httpRequest;
    const display = `${target.protocol}//${target.host}`;
    return new Promise<GitHttpResponse>((resolve, reject) => {
      const outgoing = make({ ...prepared.options, method: request.method ?? 'GET' }, (response) => {
        response.setTimeout(timeoutMs, () =>
          response.destroy(new GitUnreachableError('Timeout', `no data from ${display} for ${timeoutMs} ms`)),
        );
        resolve({
          url: request.url,
          method: request.method,
          statusCode: response.statusCode ?? 0,
          statusMessage: response.statusMessage ?? '',
          headers: response.headers as Record<string, string>,
          body: response as unknown as AsyncIterableIterator<Uint8Array>,
        });
      });
      outgoing.once('timeout', () =>
        outgoing.destroy(
          new GitUnreachableError('Timeout', `no answer from ${display} within ${timeoutMs} ms`),
        ),
      );
      outgoing.once('error', (error) => reject(networkError(error, display) ?? error));
      outgoing.end(body);
    });
  }

  const send = followingRedirects(once);

  return {
    request: send,
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
