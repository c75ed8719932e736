// Registry credentials from a docker config JSON (`kubernetes.io/dockerconfigjson` Secrets, key
// `.dockerconfigjson`, or the older `.dockercfg` map), matched the way Kubernetes' credential
// provider does: normalised keys, glob host labels, path prefixes, longest key first.
import { OciConfigError } from './errors.js';
import { DOCKER_HUB, type OciReference } from './reference.js';

export interface RegistryCredentials {
  username?: string;
  password?: string;
  /** OAuth2 refresh token for the Bearer token flow (`identitytoken`). */
  identityToken?: string;
  /** Sent as-is as `Authorization: Bearer` (`registrytoken`). */
  registryToken?: string;
}

interface DockerConfigEntry {
  auth?: unknown;
  username?: unknown;
  password?: unknown;
  identitytoken?: unknown;
  registrytoken?: unknown;
}

interface ParsedKey {
  host: string;
  port: string;
  path: string;
}

const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

function parseKey(key: string): ParsedKey | undefined {
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(key) ? key : `https://${key}`);
  } catch {
    return undefined;
  }
  // `https://index.docker.io/v1/` is how `docker login` writes Docker Hub.
  const path = url.pathname.replace(/^\/v[12](?=\/|$)/, '').replace(/\/+$/, '');
  const hostname = url.hostname.toLowerCase();
  return { host: DOCKER_HUB_HOSTS.has(hostname) ? DOCKER_HUB : hostname, port: url.port, path };
}

function globLabelMatches(pattern: string, label: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^.]*')}$`,
  );
  return regex.test(label);
}

function keyMatches(key: ParsedKey, target: ParsedKey): boolean {
  if (key.port !== target.port) return false;
  const keyLabels = key.host.split('.');
  const targetLabels = target.host.split('.');
  if (keyLabels.length !== targetLabels.length) return false;
  if (!keyLabels.every((label, index) => globLabelMatches(label, targetLabels[index] ?? ''))) return false;
  return target.path.startsWith(key.path);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function entryCredentials(entry: DockerConfigEntry, key: string): RegistryCredentials {
  const credentials: RegistryCredentials = {};
  const auth = text(entry.auth);
  if (auth) {
    const decoded = Buffer.from(auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0)
      throw new OciConfigError(`docker config entry "${key}": auth is not base64 of user:password`);
    credentials.username = decoded.slice(0, colon);
    credentials.password = decoded.slice(colon + 1);
  } else {
    const username = text(entry.username);
    const password = text(entry.password);
    if (username !== undefined) credentials.username = username;
    if (password !== undefined) credentials.password = password;
  }
  const identityToken = text(entry.identitytoken);
  const registryToken = text(entry.registrytoken);
  if (identityToken) credentials.identityToken = identityToken;
  if (registryToken) credentials.registryToken = registryToken;
  return credentials;
}

function authsOf(config: unknown): Record<string, DockerConfigEntry> {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new OciConfigError('docker config JSON must be an object');
  }
  const record = config as Record<string, unknown>;
  // `.dockerconfigjson` wraps the map in `auths`; `.dockercfg` is the bare map.
  const auths = 'auths' in record ? record.auths : record;
  if (typeof auths !== 'object' || auths === null || Array.isArray(auths)) {
    throw new OciConfigError('docker config JSON: "auths" must be an object');
  }
  return auths as Record<string, DockerConfigEntry>;
}

function targetKey(target: string | OciReference): ParsedKey {
  const text = typeof target === 'string' ? target : `${target.registry}/${target.repository}`;
  const parsed = parseKey(text);
  if (!parsed) throw new OciConfigError(`cannot match credentials for "${text}"`);
  return parsed;
}

/**
 * The credentials a docker config JSON holds for `target` — a registry host (`ghcr.io`,
 * `127.0.0.1:5000`), `host/repository`, or a parsed reference — or undefined (anonymous).
 * `auth` (base64 `user:password`) wins over `username`/`password`. Docker Hub's names
 * (`docker.io`, `index.docker.io`, `registry-1.docker.io`, `https://index.docker.io/v1/`) are one.
 */
export function credentialsFromDockerConfig(
  json: string | Uint8Array | object,
  target: string | OciReference,
): RegistryCredentials | undefined {
  let config: unknown = json;
  if (typeof json === 'string' || json instanceof Uint8Array) {
    try {
      config = JSON.parse(typeof json === 'string' ? json : Buffer.from(json).toString('utf8'));
    } catch (error) {
      throw new OciConfigError(`docker config is not valid JSON: ${(error as Error).message}`, error);
    }
  }
  const auths = authsOf(config);
  const wanted = targetKey(target);
  // Longer (more specific) keys first, as Kubernetes does with a reverse lexical sort.
  for (const key of Object.keys(auths).sort().reverse()) {
    const parsed = parseKey(key);
    const entry = auths[key];
    if (!parsed || typeof entry !== 'object' || entry === null) continue;
    if (keyMatches(parsed, wanted)) return entryCredentials(entry, key);
  }
  return undefined;
}
