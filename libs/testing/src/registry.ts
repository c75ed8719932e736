// OCI registry: Debian's docker-registry (distribution 2.8) with filesystem storage in a temp dir,
// deletes enabled, and optionally htpasswd Basic auth, Bearer token auth (with our token server)
// or TLS. Also small push helpers over the distribution HTTP API, so tests can publish images and
// artifacts for the source controller.
import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { hash } from 'bcryptjs';
import { stringify } from 'yaml';
import { makeSelfSignedCertificate, makeTestPki, type TestPki } from './certs.js';
import { basicAuthHeader, summaryLine, type BasicCredentials } from './http-server.js';
import { startRegistryTokenServer, type RunningTokenServer } from './registry-token.js';
import {
  LOOPBACK,
  awaitServerStart,
  freePort,
  makeTempDir,
  removeDir,
  requireBinary,
  startProcess,
  type ManagedProcess,
} from './process.js';

export interface RegistryServerOptions {
  /** Require these credentials (htpasswd, bcrypt) for every API call. */
  auth?: BasicCredentials;
  /**
   * Bearer token auth instead: the registry challenges with `Bearer realm=…,service=…,scope=…` and
   * accepts JWTs from a token server started alongside (`tokenServer`), which grants pull and push
   * to `credentials` (Basic at the token endpoint) or to `refreshToken` (identity token grant).
   */
  tokenAuth?: { credentials?: BasicCredentials; refreshToken?: string; anonymousPull?: boolean };
  /** Serve HTTPS with a throwaway CA (`pki`); `clientAuth` also requires a client certificate. */
  tls?: { clientAuth?: boolean };
}

/** Where a registry is and how to log in; what the push helpers need. */
export interface RegistryEndpoint {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
}

export interface RunningRegistry extends RegistryEndpoint {
  /** `127.0.0.1:PORT`, the registry part of an image reference. */
  readonly host: string;
  readonly port: number;
  /** Filesystem storage root. */
  readonly dataDir: string;
  /** With `tokenAuth`: the token server, its realm and the requests it answered. */
  readonly tokenServer?: RunningTokenServer;
  /** With `tls`: the CA to trust and a client certificate it accepts. */
  readonly pki?: TestPki;
  summary(): string;
  stop(): Promise<void>;
}

// The Go bcrypt check runs on every authenticated request; the minimum cost keeps pushes fast.
const HTPASSWD_BCRYPT_COST = 4;

export const REGISTRY_TOKEN_SERVICE = 'flotilla-registry';
const REGISTRY_TOKEN_ISSUER = 'flotilla-token-issuer';

interface RegistryConfigOptions {
  port: number;
  dataDir: string;
  htpasswdPath?: string;
  token?: { realm: string; rootcertbundle: string };
  tls?: { certificate: string; key: string; clientcas?: string[] };
}

function registryConfig(options: RegistryConfigOptions): string {
  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: 'info', formatter: 'text', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: options.dataDir },
      delete: { enabled: true },
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: {
      addr: `${LOOPBACK}:${options.port}`,
      secret: randomBytes(16).toString('hex'),
      ...(options.tls ? { tls: options.tls } : {}),
    },
  };
  if (options.htpasswdPath)
    config.auth = { htpasswd: { realm: 'flotilla-registry', path: options.htpasswdPath } };
  if (options.token)
    config.auth = {
      token: { ...options.token, service: REGISTRY_TOKEN_SERVICE, issuer: REGISTRY_TOKEN_ISSUER },
    };
  return stringify(config);
}

// REGISTRY_* variables override the config file; one left in the caller's environment would change
// what the test server does.
function registryEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('REGISTRY_')));
}

// fetch() cannot trust a private CA, so the TLS registry is probed with node:https.
function pingStatus(url: string, pki: TestPki | undefined): Promise<number> {
  if (!pki) {
    return fetch(`${url}/v2/`).then(
      (response) => response.status,
      () => 0,
    );
  }
  return new Promise((resolve) => {
    const request = httpsRequest(
      `${url}/v2/`,
      { ca: pki.ca.cert, cert: pki.client.cert, key: pki.client.key },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('error', () => resolve(0));
    request.end();
  });
}

async function waitForRegistryApi(url: string, proc: ManagedProcess, pki?: TestPki): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const status = await pingStatus(url, pki);
    if (status === 200 || status === 401) return;
    if (proc.child.exitCode !== null) throw new Error(`exited with code ${proc.child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`GET /v2/ answered ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function writeHtpasswd(dir: string, auth: BasicCredentials | undefined): Promise<string | undefined> {
  if (!auth) return undefined;
  const htpasswdPath = join(dir, 'htpasswd');
  const bcrypted = await hash(auth.password, HTPASSWD_BCRYPT_COST);
  await writeFile(htpasswdPath, `${auth.username}:${bcrypted}\n`, { mode: 0o600 });
  return htpasswdPath;
}

async function startTokenServer(
  dir: string,
  tokenAuth: RegistryServerOptions['tokenAuth'],
): Promise<RunningTokenServer | undefined> {
  if (!tokenAuth) return undefined;
  const signer = await makeSelfSignedCertificate(dir, 'token-signer', REGISTRY_TOKEN_ISSUER);
  return startRegistryTokenServer({
    service: REGISTRY_TOKEN_SERVICE,
    issuer: REGISTRY_TOKEN_ISSUER,
    signer,
    ...tokenAuth,
  });
}

function tlsConfig(pki: TestPki | undefined, clientAuth: boolean | undefined): RegistryConfigOptions['tls'] {
  if (!pki) return undefined;
  return {
    certificate: pki.server.certPath,
    key: pki.server.keyPath,
    ...(clientAuth ? { clientcas: [pki.ca.certPath] } : {}),
  };
}

/** Starts docker-registry on a free loopback port with storage in a temp dir. */
export async function startRegistry(options: RegistryServerOptions = {}): Promise<RunningRegistry> {
  const binary = requireBinary('docker-registry', 'docker-registry', ['/usr/bin', '/usr/local/bin']);
  const dir = await makeTempDir('registry');
  let proc: ManagedProcess | undefined;
  let tokenServer: RunningTokenServer | undefined;
  try {
    const port = await freePort();
    const dataDir = join(dir, 'data');
    const configPath = join(dir, 'config.yml');
    const htpasswdPath = await writeHtpasswd(dir, options.auth);
    tokenServer = await startTokenServer(dir, options.tokenAuth);
    const pki = options.tls ? await makeTestPki(dir) : undefined;
    const token = tokenServer
      ? { realm: tokenServer.realm, rootcertbundle: join(dir, 'token-signer.crt') }
      : undefined;
    const tls = tlsConfig(pki, options.tls?.clientAuth);
    await writeFile(configPath, registryConfig({ port, dataDir, htpasswdPath, token, tls }));
    proc = startProcess(binary, ['serve', configPath], { cwd: dir, env: registryEnvironment() });
    const url = `${pki ? 'https' : 'http'}://${LOOPBACK}:${port}`;
    const running = proc;
    await awaitServerStart('docker-registry', running, port, () => waitForRegistryApi(url, running, pki));
    let stopping: Promise<void> | undefined;
    const credentials = options.auth
      ? [`user=${options.auth.username}`, `password=${options.auth.password}`]
      : [];
    const tokens = tokenServer;
    return {
      url,
      host: `${LOOPBACK}:${port}`,
      port,
      dataDir,
      username: options.auth?.username,
      password: options.auth?.password,
      tokenServer: tokens,
      pki,
      summary: () => summaryLine('registry', url, [...credentials, `host=${LOOPBACK}:${port}`]),
      stop() {
        stopping ??= running
          .stop()
          .then(() => tokens?.close())
          .then(() => removeDir(dir));
        return stopping;
      },
    };
  } catch (error) {
    await proc?.stop();
    await tokenServer?.close();
    await removeDir(dir);
    throw error;
  }
}

export function sha256Digest(content: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

function authHeaders(registry: RegistryEndpoint): Record<string, string> {
  return registry.username === undefined
    ? {}
    : { Authorization: basicAuthHeader({ username: registry.username, password: registry.password ?? '' }) };
}

async function expectStatus(response: Response, expected: number, what: string): Promise<void> {
  if (response.status !== expected) {
    throw new Error(`${what}: registry answered ${response.status} ${await response.text()}`);
  }
}

/** Uploads a blob (POST to open an upload, monolithic PUT to finish); returns its digest. */
export async function pushBlob(
  registry: RegistryEndpoint,
  repository: string,
  content: Uint8Array,
): Promise<string> {
  const digest = sha256Digest(content);
  const started = await fetch(`${registry.url}/v2/${repository}/blobs/uploads/`, {
    method: 'POST',
    headers: authHeaders(registry),
  });
  await expectStatus(started, 202, `starting upload to ${repository}`);
  const location = new URL(started.headers.get('location') ?? '', registry.url);
  location.searchParams.set('digest', digest);
  const finished = await fetch(location, {
    method: 'PUT',
    headers: { ...authHeaders(registry), 'Content-Type': 'application/octet-stream' },
    body: content,
  });
  await expectStatus(finished, 201, `uploading blob ${digest}`);
  return digest;
}

/** PUTs a manifest under a tag or digest; returns the manifest digest. */
export async function pushManifest(
  registry: RegistryEndpoint,
  target: { repository: string; reference: string; manifest: string; mediaType: string },
): Promise<string> {
  const response = await fetch(`${registry.url}/v2/${target.repository}/manifests/${target.reference}`, {
    method: 'PUT',
    headers: { ...authHeaders(registry), 'Content-Type': target.mediaType },
    body: target.manifest,
  });
  await expectStatus(response, 201, `pushing manifest ${target.repository}:${target.reference}`);
  return response.headers.get('docker-content-digest') ?? sha256Digest(target.manifest);
}

export const OCI_MANIFEST_MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json';

export interface OciLayer {
  content: Uint8Array;
  mediaType?: string;
  annotations?: Record<string, string>;
}

export interface PushImageOptions {
  repository: string;
  tag: string;
  layers: OciLayer[];
  /** The config blob; `{}` as application/vnd.oci.image.config.v1+json unless given. */
  config?: { content: Uint8Array; mediaType: string };
  annotations?: Record<string, string>;
}

export interface PushedImage {
  /** Manifest digest. */
  digest: string;
  /** The manifest exactly as pushed. */
  manifest: string;
  layerDigests: string[];
}

/** Pushes config and layer blobs, then an OCI image manifest tagged `tag`. */
export async function pushOciImage(
  registry: RegistryEndpoint,
  options: PushImageOptions,
): Promise<PushedImage> {
  const config = options.config ?? {
    content: new TextEncoder().encode('{}'),
    mediaType: 'application/vnd.oci.image.config.v1+json',
  };
  const configDigest = await pushBlob(registry, options.repository, config.content);
  const layers = [];
  for (const layer of options.layers) {
    layers.push({
      mediaType: layer.mediaType ?? 'application/vnd.oci.image.layer.v1.tar+gzip',
      digest: await pushBlob(registry, options.repository, layer.content),
      size: layer.content.byteLength,
      ...(layer.annotations ? { annotations: layer.annotations } : {}),
    });
  }
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST_MEDIA_TYPE,
    config: { mediaType: config.mediaType, digest: configDigest, size: config.content.byteLength },
    layers,
    ...(options.annotations ? { annotations: options.annotations } : {}),
  });
  const digest = await pushManifest(registry, {
    repository: options.repository,
    reference: options.tag,
    manifest,
    mediaType: OCI_MANIFEST_MEDIA_TYPE,
  });
  return { digest, manifest, layerDigests: layers.map((layer) => layer.digest) };
}
