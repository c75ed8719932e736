// Registry authentication: WWW-Authenticate challenges, Basic, and the Docker Bearer token flow
// (realm/service/scope → token endpoint), with tokens cached per scope set until they expire.
import { isIP } from 'node:net';
import type { RegistryCredentials } from './docker-config.js';
import { OciProtocolError, OciRegistryError, OciUnauthorizedError } from './errors.js';
import { header, readBody, type HttpResponse, type Transport } from './transport.js';

export interface Challenge {
  /** Lower-case: `basic`, `bearer`, … */
  scheme: string;
  params: Record<string, string>;
}

/** How a registry wants to be authenticated, learnt from `GET /v2/`. */
export type AuthScheme =
  | { scheme: 'none' }
  | { scheme: 'basic'; realm?: string }
  | { scheme: 'bearer'; realm: string; service?: string };

const TOKEN_BODY_LIMIT = 64 * 1024;
// Tokens are renewed this long before they expire, so a request never carries a stale one.
const TOKEN_EXPIRY_MARGIN_MS = 5_000;
// Docker's token spec: a missing expires_in means 60 seconds.
const DEFAULT_TOKEN_LIFETIME_S = 60;

function skipSpaces(text: string, at: number): number {
  let index = at;
  while (index < text.length && /[\s,]/.test(text[index] ?? '')) index++;
  return index;
}

function readToken(text: string, at: number): { value: string; end: number } {
  const match = /^[^\s,=]+/.exec(text.slice(at));
  const value = match?.[0] ?? '';
  return { value, end: at + value.length };
}

function readQuoted(text: string, at: number): { value: string; end: number } {
  let value = '';
  let index = at + 1;
  while (index < text.length && text[index] !== '"') {
    if (text[index] === '\\') index++;
    value += text[index] ?? '';
    index++;
  }
  return { value, end: index + 1 };
}

/** Parses `key=value` / `key="value"` pairs starting at `at` until the next scheme token. */
function readParams(text: string, at: number, params: Record<string, string>): number {
  let index = at;
  for (;;) {
    index = skipSpaces(text, index);
    const name = readToken(text, index);
    if (name.value === '' || text[name.end] !== '=') return index;
    const valueStart = name.end + 1;
    const value = text[valueStart] === '"' ? readQuoted(text, valueStart) : readToken(text, valueStart);
    params[name.value.toLowerCase()] = value.value;
    index = value.end;
  }
}

/** Parses one or more WWW-Authenticate headers into challenges (RFC 7235 syntax). */
export function parseWwwAuthenticate(headers: string | string[] | undefined): Challenge[] {
  const challenges: Challenge[] = [];
  for (const text of Array.isArray(headers) ? headers : headers ? [headers] : []) {
    let index = skipSpaces(text, 0);
    while (index < text.length) {
      const scheme = readToken(text, index);
      if (scheme.value === '') break;
      const params: Record<string, string> = {};
      index = readParams(text, scheme.end, params);
      challenges.push({ scheme: scheme.value.toLowerCase(), params });
      index = skipSpaces(text, index);
    }
  }
  return challenges;
}

/** The Bearer or Basic challenge of a response (Bearer preferred), if any. */
export function challengeOf(response: HttpResponse): Challenge | undefined {
  const challenges = parseWwwAuthenticate(response.headers['www-authenticate']);
  return (
    challenges.find((challenge) => challenge.scheme === 'bearer') ??
    challenges.find((challenge) => challenge.scheme === 'basic')
  );
}

export function authSchemeOf(challenge: Challenge | undefined): AuthScheme {
  if (!challenge) return { scheme: 'none' };
  if (challenge.scheme === 'basic') return { scheme: 'basic', realm: challenge.params.realm };
  if (challenge.scheme === 'bearer') {
    const realm = challenge.params.realm;
    if (!realm) throw new OciProtocolError('Bearer challenge without a realm');
    return { scheme: 'bearer', realm, service: challenge.params.service };
  }
  throw new OciProtocolError(`unsupported authentication scheme "${challenge.scheme}"`);
}

export function basicAuthorization(credentials: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${credentials.username ?? ''}:${credentials.password ?? ''}`).toString('base64')}`;
}

function isPrivateAddress(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  const version = isIP(host);
  if (version === 4) {
    const [a = 0, b = 0] = host.split('.').map(Number);
    return (
      a === 127 ||
      a === 10 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254)
    );
  }
  if (version === 6) return host === '::1' || /^f[cd]/i.test(host) || /^fe[89ab]/i.test(host);
  return hostname === 'localhost';
}

/**
 * The realm must be https (http only for insecure registries), and a realm on another host must
 * not point at a loopback/link-local/private address, so a hostile registry cannot make us send
 * credentials into the cluster network.
 */
export function validateRealm(realm: string, registryUrl: URL, insecure: boolean): URL {
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw new OciProtocolError(`token realm "${realm}" is not a URL`);
  }
  if (url.protocol !== 'https:' && !(insecure && url.protocol === 'http:')) {
    throw new OciProtocolError(`token realm "${realm}" must use https`);
  }
  if (url.hostname !== registryUrl.hostname && isPrivateAddress(url.hostname)) {
    throw new OciProtocolError(`token realm "${realm}" points at a private address of another host`);
  }
  return url;
}

export interface TokenRequest {
  realm: URL;
  service?: string;
  scopes: string[];
  credentials?: RegistryCredentials;
  clientId: string;
}

interface TokenResponse {
  token?: unknown;
  access_token?: unknown;
  expires_in?: unknown;
  refresh_token?: unknown;
}

export interface IssuedToken {
  token: string;
  expiresAt: number;
  refreshToken?: string;
}

async function postRefreshToken(transport: Transport, request: TokenRequest): Promise<HttpResponse> {
  const form = new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: request.credentials?.identityToken ?? '',
    client_id: request.clientId,
  });
  if (request.service) form.set('service', request.service);
  if (request.scopes.length > 0) form.set('scope', request.scopes.join(' '));
  return transport.send({
    method: 'POST',
    url: request.realm,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: Buffer.from(form.toString()),
  });
}

async function getToken(transport: Transport, request: TokenRequest): Promise<HttpResponse> {
  const url = new URL(request.realm);
  if (request.service) url.searchParams.set('service', request.service);
  for (const scope of request.scopes) url.searchParams.append('scope', scope);
  const credentials = request.credentials;
  const headers: Record<string, string> = {};
  if (credentials?.username !== undefined) headers.Authorization = basicAuthorization(credentials);
  return transport.send({ method: 'GET', url, headers });
}

async function parseTokenResponse(response: HttpResponse, realm: URL): Promise<IssuedToken> {
  const body = await readBody(response, TOKEN_BODY_LIMIT);
  if (response.status === 401 || response.status === 403) {
    throw new OciUnauthorizedError(
      `token endpoint ${realm.origin}${realm.pathname} rejected the credentials (${response.status})`,
      response.status,
    );
  }
  if (response.status !== 200) {
    throw new OciRegistryError(
      `token endpoint ${realm.origin}${realm.pathname} answered ${response.status}`,
      response.status,
    );
  }
  if (!body)
    throw new OciProtocolError(`token response from ${realm.origin} is over ${TOKEN_BODY_LIMIT} bytes`);
  let parsed: TokenResponse;
  try {
    parsed = JSON.parse(body.toString('utf8')) as TokenResponse;
  } catch {
    throw new OciProtocolError(`token response from ${realm.origin} is not JSON`);
  }
  const token =
    typeof parsed.access_token === 'string' && parsed.access_token ? parsed.access_token : parsed.token;
  if (typeof token !== 'string' || token === '') {
    throw new OciProtocolError(`token response from ${realm.origin} has neither access_token nor token`);
  }
  const lifetime =
    typeof parsed.expires_in === 'number' && parsed.expires_in > 0
      ? parsed.expires_in
      : DEFAULT_TOKEN_LIFETIME_S;
  return {
    token,
    expiresAt: Date.now() + lifetime * 1000 - TOKEN_EXPIRY_MARGIN_MS,
    ...(typeof parsed.refresh_token === 'string' && parsed.refresh_token
      ? { refreshToken: parsed.refresh_token }
      : {}),
  };
}

/**
 * Asks the token endpoint for a token covering `scopes`: an identity token is exchanged with the
 * OAuth2 refresh-token grant (POST, falling back to GET on 404); otherwise GET, with Basic
 * credentials when there are some and anonymously when not.
 */
export async function requestToken(transport: Transport, request: TokenRequest): Promise<IssuedToken> {
  if (request.credentials?.identityToken) {
    const posted = await postRefreshToken(transport, request);
    if (posted.status !== 404) return parseTokenResponse(posted, request.realm);
    posted.body.resume();
  }
  return parseTokenResponse(await getToken(transport, request), request.realm);
}

/** The scope a challenge names (`scope="repository:x:pull,push"`, maybe several space-separated). */
export function challengeScopes(challenge: Challenge | undefined): string[] {
  return (challenge?.params.scope ?? '').split(' ').filter((scope) => scope !== '');
}

export function pullScope(repository: string): string {
  return `repository:${repository}:pull`;
}

export function pushScope(repository: string): string {
  return `repository:${repository}:pull,push`;
}

/** Last resort error for a 401/403 the auth flow could not fix. */
export function unauthorized(what: string, response: HttpResponse, detail: string): OciUnauthorizedError {
  const challenge = header(response, 'www-authenticate');
  return new OciUnauthorizedError(
    `${what}: ${response.status === 403 ? 'access denied' : 'unauthorized'} (${response.status})${detail ? `: ${detail}` : ''}${challenge ? ` [${challenge}]` : ''}`,
    response.status,
  );
}
