// Shared plumbing for the Node-hosted test servers (git over HTTP, Helm repository): listening on a
// free loopback port, closing without waiting for keep-alive clients, and HTTP Basic auth.
import { timingSafeEqual } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { LOOPBACK } from './process.js';

export interface BasicCredentials {
  username: string;
  password: string;
}

export interface ListeningHttpServer {
  readonly server: Server;
  readonly port: number;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** Stops accepting connections and drops open ones; idempotent. */
  close(): Promise<void>;
}

/** Server-side TLS for listenOnLoopback: PEM key and certificate, optionally requiring client certs. */
export interface LoopbackTlsOptions {
  key: string;
  cert: string;
  /** CA bundle client certificates must chain to; with it, clients must present one. */
  clientCa?: string;
}

/**
 * Starts a Node HTTP server on a kernel-chosen free port of 127.0.0.1; HTTPS (url `https://…`) when
 * TLS options are given.
 */
export async function listenOnLoopback(
  handler: RequestListener,
  tls?: LoopbackTlsOptions,
): Promise<ListeningHttpServer> {
  const server: Server = tls
    ? createHttpsServer(
        {
          key: tls.key,
          cert: tls.cert,
          ...(tls.clientCa ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
        },
        handler,
      )
    : createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('HTTP server has no TCP address');
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Clients such as git keep connections alive; close() alone would wait for them.
      server.closeAllConnections();
    });
    return closing;
  };
  const scheme = tls ? 'https' : 'http';
  return { server, port: address.port, url: `${scheme}://${LOOPBACK}:${address.port}`, close };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The Basic credentials a request carries, or undefined when it has none (or a malformed header). */
export function basicCredentialsOf(request: IncomingMessage): BasicCredentials | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Basic\s+(\S+)\s*$/i.exec(header) : null;
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Checks Basic auth when credentials are required; answers 401 with a challenge and returns false
 * when the request does not carry them.
 */
export function admitBasicAuth(
  request: IncomingMessage,
  response: ServerResponse,
  options: { required: BasicCredentials | undefined; realm: string },
): boolean {
  if (!options.required) return true;
  const given = basicCredentialsOf(request);
  if (
    given &&
    sameSecret(given.username, options.required.username) &&
    sameSecret(given.password, options.required.password)
  ) {
    return true;
  }
  response.writeHead(401, {
    'WWW-Authenticate': `Basic realm="${options.realm}"`,
    'Content-Type': 'text/plain; charset=utf-8',
  });
  response.end('authentication required\n');
  return false;
}

/** The Authorization header value for Basic credentials. */
export function basicAuthHeader(credentials: BasicCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

/** Pads a server's name so the testenv listing lines up: `name        endpoint  details`. */
export function summaryLine(name: string, endpoint: string, details: string[] = []): string {
  return [`${name.padEnd(12)}${endpoint}`, ...details].join('  ');
}
