// One remote for the length of an operation: the isomorphic-git HTTP plugin (HTTPS or our SSH
// transport), the URL to hand isomorphic-git, and the headers carrying HTTP credentials.
import type { GitHttpResponse, HttpClient } from 'isomorphic-git';
import { GitError } from './errors.js';
import { createHttpClient, type ClosableHttpClient, type ProxyOptions } from './http-client.js';
import { createSshHttpClient, SSH_PLACEHOLDER_URL } from './ssh/transport.js';
import { displayUrl, parseGitUrl, type GitUrl } from './url.js';

/**
 * Credentials and TLS material, as Flux's GitRepository Secret holds them (see authFromSecretData).
 * For ssh:// URLs `password` is the passphrase of `identity`.
 */
export interface GitAuth {
  username?: string;
  password?: string;
  bearerToken?: string;
  /** PEM CA bundle for HTTPS (`ca.crt`). */
  caCert?: string;
  /** PEM client certificate and key for HTTPS (`tls.crt`, `tls.key`). */
  clientCert?: string;
  clientKey?: string;
  /** SSH private key (`identity`), PEM or OpenSSH format. */
  identity?: string;
  /** known_hosts content; required for SSH. */
  knownHosts?: string;
}

export interface RemoteOptions {
  url: string;
  auth?: GitAuth;
  proxy?: ProxyOptions;
  /** Idle timeout of each request / the SSH handshake; 60 s by default. */
  timeoutMs?: number;
}

export interface Remote {
  http: HttpClient;
  /** The URL isomorphic-git is given (a placeholder for SSH). */
  url: string;
  /** The real URL without credentials, for messages and the origin remote. */
  display: string;
  parsed: GitUrl;
  headers: Record<string, string>;
  close(): void;
}

function text(value: string | Uint8Array | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : Buffer.from(value).toString('utf8');
}

/**
 * GitAuth from the decoded data of a Flux Secret: `username`/`password`, `bearerToken`, `ca.crt`
 * (legacy `caFile`; `ca.crt` wins), `tls.crt`/`tls.key` (legacy `certFile`/`keyFile`), `identity`,
 * `known_hosts` and `password` (SSH key passphrase).
 */
export function authFromSecretData(data: Record<string, string | Uint8Array | undefined>): GitAuth {
  const auth: GitAuth = {
    username: text(data.username),
    password: text(data.password),
    bearerToken: text(data.bearerToken),
    caCert: text(data['ca.crt']) ?? text(data.caFile),
    clientCert: text(data['tls.crt']) ?? text(data.certFile),
    clientKey: text(data['tls.key']) ?? text(data.keyFile),
    identity: text(data.identity),
    knownHosts: text(data.known_hosts),
  };
  return Object.fromEntries(Object.entries(auth).filter(([, value]) => value !== undefined)) as GitAuth;
}

/** Proxy options from a Flux proxy Secret (`address`, optional `username`, `password`). */
export function proxyFromSecretData(data: Record<string, string | Uint8Array | undefined>): ProxyOptions {
  const url = text(data.address);
  if (!url) throw new GitError('InvalidOptions', "proxy secret has no 'address'");
  return { url, username: text(data.username), password: text(data.password) };
}

function httpHeaders(auth: GitAuth, parsed: GitUrl & { kind: 'http' }): Record<string, string> {
  const username = auth.username ?? parsed.username;
  const password = auth.password ?? parsed.password;
  if (auth.bearerToken && (auth.username || auth.password)) {
    throw new GitError('InvalidOptions', 'bearerToken cannot be combined with username/password');
  }
  if (auth.bearerToken) return { authorization: `Bearer ${auth.bearerToken}` };
  if (username !== undefined || password !== undefined) {
    const basic = Buffer.from(`${username ?? ''}:${password ?? ''}`).toString('base64');
    return { authorization: `Basic ${basic}` };
  }
  return {};
}

/**
 * Serves a repeated upload-pack ref discovery from the first answer. checkout() lists the refs to pick
 * its target and isomorphic-git's fetch asks again right after; one round trip (one `git
 * upload-pack` on the server, one SSH exec) is saved, and the fetch sees exactly the refs the target
 * was chosen from. Only successful answers are kept, for the life of the remote.
 */
function memoizeDiscovery(client: ClosableHttpClient): ClosableHttpClient {
  const answers = new Map<string, { response: GitHttpResponse; body: Buffer }>();
  return {
    async request(request) {
      const cacheable =
        (request.method ?? 'GET') === 'GET' && request.url.endsWith('/info/refs?service=git-upload-pack');
      const key = `${request.url} ${JSON.stringify(request.headers ?? {})}`;
      const known = cacheable ? answers.get(key) : undefined;
      if (known)
        return { ...known.response, body: [known.body] as unknown as AsyncIterableIterator<Uint8Array> };
      const response = await client.request(request);
      if (!cacheable || response.statusCode !== 200 || !response.body) return response;
      const chunks: Uint8Array[] = [];
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) chunks.push(chunk);
      const body = Buffer.concat(chunks);
      answers.set(key, { response, body });
      return { ...response, body: [body] as unknown as AsyncIterableIterator<Uint8Array> };
    },
    close: () => client.close(),
  };
}

/** Opens a remote for one operation; close() it when done. */
export function openRemote(options: RemoteOptions): Remote {
  const parsed = parseGitUrl(options.url);
  const auth = options.auth ?? {};
  const display = displayUrl(parsed);
  if (parsed.kind === 'ssh') {
    if (options.proxy) throw new GitError('InvalidOptions', 'a proxy is only supported for http(s) URLs');
    if (!auth.identity)
      throw new GitError('InvalidOptions', `ssh URL ${display} needs an identity (private key)`);
    if (!auth.knownHosts) throw new GitError('InvalidOptions', `ssh URL ${display} needs known_hosts`);
    const http = memoizeDiscovery(
      createSshHttpClient(parsed, {
        identity: auth.identity,
        passphrase: auth.password,
        knownHosts: auth.knownHosts,
        timeoutMs: options.timeoutMs,
      }),
    );
    return { http, url: SSH_PLACEHOLDER_URL, display, parsed, headers: {}, close: () => http.close() };
  }
  const headers = httpHeaders(auth, parsed);
  const http = memoizeDiscovery(
    createHttpClient({
      caCert: auth.caCert,
      clientCert: auth.clientCert,
      clientKey: auth.clientKey,
      proxy: options.proxy,
      timeoutMs: options.timeoutMs,
    }),
  );
  return { http, url: parsed.url, display, parsed, headers, close: () => http.close() };
}
