// git over smart HTTP: `git http-backend` run as a CGI behind a small Node HTTP server, with pushes
// enabled, protocol v2, gzip'd request bodies and optional Basic auth.
import { spawn, type ChildProcess } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { createBareRepo, gitEnvironment, type CreateRepoOptions, type CreatedRepo } from './git-repos.js';
import {
  admitBasicAuth,
  basicCredentialsOf,
  listenOnLoopback,
  summaryLine,
  type BasicCredentials,
  type LoopbackTlsOptions,
} from './http-server.js';
import { makeTempDir, removeDir, requireBinary } from './process.js';

export interface GitHttpServerOptions {
  /** Directory of bare repositories to serve; a fresh temp dir (removed by stop()) when absent. */
  repoRoot?: string;
  /** Require these Basic credentials for every request, fetches included. */
  auth?: BasicCredentials;
  /** Require `Authorization: Bearer <token>` (with `auth` too: either one is accepted). */
  bearerToken?: string;
  /** Serve HTTPS with this key and certificate (and require client certificates with `clientCa`). */
  tls?: LoopbackTlsOptions;
}

export interface ServedGitRequest {
  method: string;
  path: string;
  status: number;
  user?: string;
}

export interface RunningGitHttpServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  readonly repoRoot: string;
  readonly username?: string;
  readonly password?: string;
  /** Clone URL of a repository under the root: `http://127.0.0.1:PORT/<name>.git`. */
  repoUrl(name: string, options?: { withCredentials?: boolean }): string;
  /** Creates a bare repository under the served root (see createBareRepo). */
  createRepo(name: string, options?: Omit<CreateRepoOptions, 'root' | 'name'>): Promise<CreatedRepo>;
  /** Requests served so far, oldest first. */
  requests(): ServedGitRequest[];
  summary(): string;
  stop(): Promise<void>;
}

interface BackendContext {
  gitBinary: string;
  repoRoot: string;
  auth: BasicCredentials | undefined;
  bearerToken: string | undefined;
  children: Set<ChildProcess>;
  log: ServedGitRequest[];
}

function cgiEnvironment(request: IncomingMessage, context: BackendContext): NodeJS.ProcessEnv {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const gzipped = /^(x-)?gzip$/i.test(request.headers['content-encoding'] ?? '');
  const env: NodeJS.ProcessEnv = {
    ...gitEnvironment(),
    GIT_PROJECT_ROOT: context.repoRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    // Pushes are on whatever the repository's own config says; REMOTE_USER alone would only
    // enable them for authenticated requests.
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.receivepack',
    GIT_CONFIG_VALUE_0: 'true',
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: `HTTP/${request.httpVersion}`,
    REQUEST_METHOD: request.method ?? 'GET',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.slice(1),
    CONTENT_TYPE: request.headers['content-type'] ?? '',
    REMOTE_ADDR: request.socket.remoteAddress ?? '',
  };
  const user = context.auth ? basicCredentialsOf(request)?.username : undefined;
  if (user) env.REMOTE_USER = user;
  const protocol = request.headers['git-protocol'];
  if (typeof protocol === 'string') env.GIT_PROTOCOL = protocol;
  // The body is inflated before it reaches git, so its length is unknown; without CONTENT_LENGTH the
  // backend reads to end of input.
  if (!gzipped && request.headers['content-length']) env.CONTENT_LENGTH = request.headers['content-length'];
  return env;
}

function headerEnd(buffer: Buffer): { at: number; length: number } | undefined {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { at: crlf, length: 4 };
  return lf >= 0 ? { at: lf, length: 2 } : undefined;
}

/** CGI response headers → HTTP status and headers; `Status: 404 Not Found` sets the status. */
function parseCgiHead(head: string): { status: number; headers: Record<string, string> } {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500;
    else headers[name] = value;
  }
  return { status, headers };
}

/** Relays the CGI's stdout: headers first, then the body as it streams; resolves with the status. */
async function relayCgiResponse(
  stdout: Readable,
  response: ServerResponse,
  stderr: () => string,
): Promise<number> {
  let pending = Buffer.alloc(0);
  let status: number | undefined;
  for await (const chunk of stdout as AsyncIterable<Buffer>) {
    let body = chunk;
    if (status === undefined) {
      pending = Buffer.concat([pending, chunk]);
      const end = headerEnd(pending);
      if (!end) continue;
      const head = parseCgiHead(pending.subarray(0, end.at).toString('latin1'));
      status = head.status;
      response.writeHead(head.status, head.headers);
      body = pending.subarray(end.at + end.length);
    }
    if (body.length > 0 && !response.write(body)) {
      await new Promise((resolve) => response.once('drain', resolve));
    }
  }
  if (status === undefined) {
    status = 502;
    response.writeHead(502, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.write(`git http-backend sent no CGI headers: ${stderr()}\n`);
  }
  response.end();
  return status;
}

/** Bearer token first (when configured), then Basic auth; a 401 challenge names what is accepted. */
function admitRequest(request: IncomingMessage, response: ServerResponse, context: BackendContext): boolean {
  if (!context.bearerToken)
    return admitBasicAuth(request, response, { required: context.auth, realm: 'flotilla-git' });
  if (request.headers.authorization === `Bearer ${context.bearerToken}`) return true;
  if (context.auth && basicCredentialsOf(request)) {
    return admitBasicAuth(request, response, { required: context.auth, realm: 'flotilla-git' });
  }
  response.writeHead(401, {
    'WWW-Authenticate': 'Bearer realm="flotilla-git"',
    'Content-Type': 'text/plain; charset=utf-8',
  });
  response.end('authentication required\n');
  return false;
}

async function serveGitRequest(request: IncomingMessage, response: ServerResponse, context: BackendContext) {
  const entry: ServedGitRequest = { method: request.method ?? 'GET', path: request.url ?? '/', status: 401 };
  context.log.push(entry);
  if (!admitRequest(request, response, context)) return;
  entry.user = context.auth ? basicCredentialsOf(request)?.username : undefined;
  const child = spawn(context.gitBinary, ['http-backend'], {
    env: cgiEnvironment(request, context),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  context.children.add(child);
  child.once('close', () => context.children.delete(child));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  child.once('error', (error) => (stderr += String(error)));
  const gzipped = /^(x-)?gzip$/i.test(request.headers['content-encoding'] ?? '');
  const input = gzipped ? pipeline(request, createGunzip(), child.stdin) : pipeline(request, child.stdin);
  // A broken body (bad gzip, client gone) ends git's input; git then answers or fails on its own.
  input.catch(() => child.stdin.destroy());
  entry.status = await relayCgiResponse(child.stdout, response, () => stderr);
}

/** Starts `git http-backend` behind a Node HTTP server on a free loopback port. */
export async function startGitHttpServer(options: GitHttpServerOptions = {}): Promise<RunningGitHttpServer> {
  const gitBinary = requireBinary('git', 'git');
  const ownedRoot = options.repoRoot ? undefined : await makeTempDir('git-http');
  const repoRoot = options.repoRoot ?? (ownedRoot as string);
  const context: BackendContext = {
    gitBinary,
    repoRoot,
    auth: options.auth,
    bearerToken: options.bearerToken,
    children: new Set(),
    log: [],
  };
  const listening = await listenOnLoopback((request, response) => {
    serveGitRequest(request, response, context).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(`git-http test server failed: ${String(error)}\n`);
    });
  }, options.tls);
  let stopping: Promise<void> | undefined;
  const credentials = options.auth
    ? `${encodeURIComponent(options.auth.username)}:${encodeURIComponent(options.auth.password)}@`
    : '';
  return {
    url: listening.url,
    port: listening.port,
    repoRoot,
    username: options.auth?.username,
    password: options.auth?.password,
    repoUrl(name, urlOptions = {}) {
      const path = name.replace(/^\/+/, '');
      const base = urlOptions.withCredentials
        ? listening.url.replace('://', `://${credentials}`)
        : listening.url;
      return `${base}/${path.endsWith('.git') ? path : `${path}.git`}`;
    },
    createRepo: (name, repoOptions = {}) => createBareRepo({ ...repoOptions, root: repoRoot, name }),
    requests: () => context.log.map((entry) => ({ ...entry })),
    summary: () =>
      summaryLine(
        'git-http',
        listening.url,
        options.auth
          ? [`user=${options.auth.username}`, `password=${options.auth.password}`, `repos=${repoRoot}`]
          : [`repos=${repoRoot}`],
      ),
    stop() {
      stopping ??= (async () => {
        for (const child of context.children) child.kill('SIGKILL');
        await listening.close();
        if (ownedRoot) await removeDir(ownedRoot);
      })();
      return stopping;
    },
  };
}
