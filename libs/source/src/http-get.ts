// A small HTTP(S) GET for index and chart downloads: Basic auth, TLS material from Secrets,
// conditional request headers, redirects, and a size cap enforced while the body streams in,
// so an oversized or endless response never sits in memory whole.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface TlsMaterial {
  ca?: string;
  cert?: string;
  key?: string;
}

export interface HttpGetOptions {
  signal?: AbortSignal;
  maxBytes: number;
  headers?: Record<string, string>;
  basicAuth?: { username: string; password: string };
  tls?: TlsMaterial;
  /** Redirects followed at most (default 10). */
  maxRedirects?: number;
}

export type HttpGetResult =
  | { status: 304; headers: IncomingMessage['headers'] }
  | { status: 200; headers: IncomingMessage['headers']; body: Buffer };

export class HttpStatusError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    super(`failed to fetch ${url} : ${status} ${statusText(status)}`);
    this.name = 'HttpStatusError';
  }
}

export class TooLargeError extends Error {
  constructor(
    readonly url: string,
    readonly maxBytes: number,
  ) {
    super(`size of ${url} exceeds the limit of ${maxBytes} bytes`);
    this.name = 'TooLargeError';
  }
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    500: 'Internal Server Error',
  };
  return texts[status] ?? '';
}

function readCapped(response: IncomingMessage, url: string, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error: Error | undefined, body?: Buffer) => {
      if (settled) return;
      settled = true;
      if (error) {
        reject(error);
        response.destroy();
      } else resolve(body as Buffer);
    };
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      settle(new TooLargeError(url, maxBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) settle(new TooLargeError(url, maxBytes));
      else chunks.push(chunk);
    });
    response.on('end', () => settle(undefined, Buffer.concat(chunks)));
    response.on('error', (error) => settle(error));
    response.on('aborted', () => settle(new Error(`connection to ${url} closed early`)));
  });
}

function once(url: URL, options: HttpGetOptions): Promise<IncomingMessage> {
  const headers: Record<string, string> = { 'user-agent': 'flotilla-source-controller', ...options.headers };
  if (options.basicAuth)
    headers.authorization = `Basic ${Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString('base64')}`;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      { method: 'GET', headers, signal: options.signal, ...(url.protocol === 'https:' ? options.tls : {}) },
      resolve,
    );
    request.on('error', reject);
    request.end();
  });
}

/** GETs `url`; 200 → body (capped), 304 → no body; other statuses throw HttpStatusError. */
export async function httpGet(url: string, options: HttpGetOptions): Promise<HttpGetResult> {
  let current = new URL(url);
  for (let redirects = 0; ; redirects += 1) {
    const response = await once(current, options);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && status !== 304 && response.headers.location) {
      response.resume();
      if (redirects >= (options.maxRedirects ?? 10)) throw new Error(`too many redirects fetching ${url}`);
      const next = new URL(response.headers.location, current);
      // Credentials stay with the host they were given for.
      if (next.host !== current.host) options = { ...options, basicAuth: undefined };
      current = next;
      continue;
    }
    if (status === 304) {
      response.resume();
      return { status: 304, headers: response.headers };
    }
    if (status !== 200) {
      response.resume();
      throw new HttpStatusError(current.toString(), status);
    }
    return {
      status: 200,
      headers: response.headers,
      body: await readCapped(response, current.toString(), options.maxBytes),
    };
  }
}

/** TLS material from a Secret (`ca.crt` wins over legacy `caFile`; `certFile`/`keyFile` accepted). */
export function tlsFromSecret(
  data: Record<string, string> | undefined,
  legacy: boolean,
): TlsMaterial | undefined {
  if (!data) return undefined;
  const ca = data['ca.crt'] ?? data.caFile;
  const cert = data['tls.crt'] ?? (legacy ? data.certFile : undefined);
  const key = data['tls.key'] ?? (legacy ? data.keyFile : undefined);
  if (!ca && !cert && !key) return undefined;
  if (Boolean(cert) !== Boolean(key))
    throw new Error('TLS client certificate needs both tls.crt and tls.key');
  return { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}
