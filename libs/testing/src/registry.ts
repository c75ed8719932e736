// OCI registry: Debian's docker-registry (distribution 2.8) with filesystem storage in a temp dir,
// deletes enabled, and optionally htpasswd Basic auth. Also small push helpers over the
// distribution HTTP API, so tests can publish images and artifacts for the source controller.
import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hash } from 'bcryptjs';
import { stringify } from 'yaml';
import { basicAuthHeader, summaryLine, type BasicCredentials } from './http-server.js';
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
  summary(): string;
  stop(): Promise<void>;
}

// The Go bcrypt check runs on every authenticated request; the minimum cost keeps pushes fast.
const HTPASSWD_BCRYPT_COST = 4;

function registryConfig(options: { port: number; dataDir: string; htpasswdPath?: string }): string {
  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: 'info', formatter: 'text', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: options.dataDir },
      delete: { enabled: true },
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: { addr: `${LOOPBACK}:${options.port}`, secret: randomBytes(16).toString('hex') },
  };
  if (options.htpasswdPath)
    config.auth = { htpasswd: { realm: 'flotilla-registry', path: options.htpasswdPath } };
  return stringify(config);
}

// REGISTRY_* variables override the config file; one left in the caller's environment would change
// what the test server does.
function registryEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('REGISTRY_')));
}

async function waitForRegistryApi(url: string, proc: ManagedProcess): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const status = await fetch(`${url}/v2/`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200 || status === 401) return;
    if (proc.child.exitCode !== null) throw new Error(`exited with code ${proc.child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`GET /v2/ answered ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts docker-registry on a free loopback port with storage in a temp dir. */
export async function startRegistry(options: RegistryServerOptions = {}): Promise<RunningRegistry> {
  const binary = requireBinary('docker-registry', 'docker-registry', ['/usr/bin', '/usr/local/bin']);
  const dir = await makeTempDir('registry');
  let proc: ManagedProcess | undefined;
  try {
    const port = await freePort();
    const dataDir = join(dir, 'data');
    const configPath = join(dir, 'config.yml');
    let htpasswdPath: string | undefined;
    if (options.auth) {
      htpasswdPath = join(dir, 'htpasswd');
      const bcrypted = await hash(options.auth.password, HTPASSWD_BCRYPT_COST);
      await writeFile(htpasswdPath, `${options.auth.username}:${bcrypted}\n`, { mode: 0o600 });
    }
    await writeFile(configPath, registryConfig({ port, dataDir, htpasswdPath }));
    proc = startProcess(binary, ['serve', configPath], { cwd: dir, env: registryEnvironment() });
    const url = `http://${LOOPBACK}:${port}`;
    const running = proc;
    await awaitServerStart('docker-registry', running, port, () => waitForRegistryApi(url, running));
    let stopping: Promise<void> | undefined;
    const credentials = options.auth
      ? [`user=${options.auth.username}`, `password=${options.auth.password}`]
      : [];
    return {
      url,
      host: `${LOOPBACK}:${port}`,
      port,
      dataDir,
      username: options.auth?.username,
      password: options.auth?.password,
      summary: () => summaryLine('registry', url, [...credentials, `host=${LOOPBACK}:${port}`]),
      stop() {
        stopping ??= running.stop().then(() => removeDir(dir));
        return stopping;
      },
    };
  } catch (error) {
    await proc?.stop();
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
