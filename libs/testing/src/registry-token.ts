// A Docker token server (the `auth.token` scheme of docker-registry): it checks Basic credentials or
// a refresh token and answers with a JWT the registry verifies against the signer's certificate, so
// clients exercise the real Bearer challenge flow end to end.
import { X509Certificate, randomUUID, sign } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basicCredentialsOf, listenOnLoopback, type BasicCredentials } from './http-server.js';
import type { TestCertificate } from './certs.js';

export interface RegistryTokenServerOptions {
  /** `service` and `issuer` the registry is configured with. */
  service: string;
  issuer: string;
  /** Self-signed certificate whose key signs tokens; the registry trusts it (rootcertbundle). */
  signer: TestCertificate;
  /** Users who may pull and push. */
  credentials?: BasicCredentials;
  /** Accepted as an identity token (`grant_type=refresh_token`), with the same rights as `credentials`. */
  refreshToken?: string;
  /** Anonymous callers get `pull` (otherwise a token without access). */
  anonymousPull?: boolean;
  expiresInSeconds?: number;
}

/** One token request, as the server saw it. */
export interface TokenRequestRecord {
  method: string;
  scopes: string[];
  /** `basic:<user>`, `refresh_token` or `anonymous`. */
  principal: string;
}

export interface RunningTokenServer {
  /** The realm to put in the registry config: http://127.0.0.1:PORT/token */
  readonly realm: string;
  /** Every token request so far (tests check caching with it). */
  readonly requests: TokenRequestRecord[];
  close(): Promise<void>;
}

interface Access {
  type: string;
  name: string;
  actions: string[];
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function signedToken(options: RegistryTokenServerOptions, access: Access[], subject: string): string {
  const der = new X509Certificate(options.signer.cert).raw;
  const header = { typ: 'JWT', alg: 'ES256', x5c: [der.toString('base64')] };
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: options.issuer,
    sub: subject,
    aud: options.service,
    exp: now + (options.expiresInSeconds ?? 300),
    nbf: now - 10,
    iat: now,
    jti: randomUUID(),
    access,
  };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  // JWS ES256 wants r||s, not DER.
  const signature = sign('sha256', Buffer.from(input), {
    key: options.signer.key,
    dsaEncoding: 'ieee-p1363',
  });
  return `${input}.${base64url(signature)}`;
}

// `repository:name:pull,push` → Access; names may contain ':' only in the registry-host form, which
// scopes never carry, so the last ':' separates the actions.
function parseScope(scope: string): Access | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last === first) return undefined;
  return {
    type: scope.slice(0, first),
    name: scope.slice(first + 1, last),
    actions: scope.slice(last + 1).split(','),
  };
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function sameCredentials(
  given: BasicCredentials | undefined,
  expected: BasicCredentials | undefined,
): boolean {
  return (
    !!given && !!expected && given.username === expected.username && given.password === expected.password
  );
}

type Principal = { name: string; full: boolean } | 'rejected';

function principalOf(
  options: RegistryTokenServerOptions,
  request: IncomingMessage,
  form: URLSearchParams | undefined,
): Principal {
  if (form?.get('grant_type') === 'refresh_token') {
    const token = form.get('refresh_token');
    return options.refreshToken && token === options.refreshToken
      ? { name: 'refresh_token', full: true }
      : 'rejected';
  }
  const given = basicCredentialsOf(request);
  if (given)
    return sameCredentials(given, options.credentials)
      ? { name: `basic:${given.username}`, full: true }
      : 'rejected';
  return { name: 'anonymous', full: false };
}

function grant(scopes: string[], principal: { full: boolean }, anonymousPull: boolean): Access[] {
  const granted: Access[] = [];
  for (const scope of scopes) {
    const access = parseScope(scope);
    if (!access) continue;
    const actions = principal.full
      ? access.actions
      : access.actions.filter((action) => anonymousPull && action === 'pull');
    if (actions.length > 0) granted.push({ ...access, actions });
  }
  return granted;
}

/** Starts the token server on a free loopback port. */
export async function startRegistryTokenServer(
  options: RegistryTokenServerOptions,
): Promise<RunningTokenServer> {
  const requests: TokenRequestRecord[] = [];
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://token.invalid');
    if (url.pathname !== '/token') {
      response.writeHead(404).end();
      return;
    }
    const form = request.method === 'POST' ? await readForm(request) : undefined;
    const scopes = (form ? [form.get('scope') ?? ''] : url.searchParams.getAll('scope'))
      .flatMap((scope) => scope.split(' '))
      .filter((scope) => scope !== '');
    const principal = principalOf(options, request, form);
    requests.push({
      method: request.method ?? 'GET',
      scopes,
      principal: principal === 'rejected' ? 'rejected' : principal.name,
    });
    if (principal === 'rejected') {
      response.writeHead(401, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] }));
      return;
    }
    const token = signedToken(
      options,
      grant(scopes, principal, options.anonymousPull ?? false),
      principal.name,
    );
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(
      JSON.stringify({
        token,
        access_token: token,
        expires_in: options.expiresInSeconds ?? 300,
        issued_at: new Date().toISOString(),
      }),
    );
  };
  const server = await listenOnLoopback((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500).end(String(error));
    });
  });
  return { realm: `${server.url}/token`, requests, close: () => server.close() };
}
