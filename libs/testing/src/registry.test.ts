import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuthHeader } from './http-server.js';
import {
  OCI_MANIFEST_MEDIA_TYPE,
  pushBlob,
  pushOciImage,
  sha256Digest,
  startRegistry,
  type RunningRegistry,
} from './registry.js';

const encoder = new TextEncoder();

describe('startRegistry without auth', () => {
  let registry: RunningRegistry;
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(async () => registry?.stop());

  it('accepts a blob upload and a manifest over the distribution API and serves them back', async () => {
    expect(registry.url).toBe(`http://${registry.host}`);
    expect(registry.host).toMatch(/^127\.0\.0\.1:\d+$/);
    const layer = encoder.encode('hello from a layer\n');
    const layerDigest = sha256Digest(layer);
    const started = await fetch(`${registry.url}/v2/demo/app/blobs/uploads/`, { method: 'POST' });
    expect(started.status).toBe(202);
    const upload = new URL(started.headers.get('location') ?? '', registry.url);
    upload.searchParams.set('digest', layerDigest);
    const put = await fetch(upload, { method: 'PUT', body: layer });
    expect(put.status).toBe(201);
    expect(put.headers.get('docker-content-digest')).toBe(layerDigest);

    const configDigest = await pushBlob(registry, 'demo/app', encoder.encode('{}'));
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST_MEDIA_TYPE,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: 2 },
      layers: [
        { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: layer.length },
      ],
    });
    const pushed = await fetch(`${registry.url}/v2/demo/app/manifests/v1`, {
      method: 'PUT',
      headers: { 'Content-Type': OCI_MANIFEST_MEDIA_TYPE },
      body: manifest,
    });
    expect(pushed.status).toBe(201);
    expect(pushed.headers.get('docker-content-digest')).toBe(sha256Digest(manifest));

    const fetched = await fetch(`${registry.url}/v2/demo/app/manifests/v1`, {
      headers: { Accept: OCI_MANIFEST_MEDIA_TYPE },
    });
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get('content-type')).toBe(OCI_MANIFEST_MEDIA_TYPE);
    expect(await fetched.text()).toBe(manifest);
    const blob = await fetch(`${registry.url}/v2/demo/app/blobs/${layerDigest}`);
    expect(Buffer.from(await blob.arrayBuffer()).toString()).toBe('hello from a layer\n');
    const tags = (await (await fetch(`${registry.url}/v2/demo/app/tags/list`)).json()) as { tags: string[] };
    expect(tags.tags).toEqual(['v1']);
  });

  it('deletes manifests by digest', async () => {
    const image = await pushOciImage(registry, {
      repository: 'demo/deleted',
      tag: 'latest',
      layers: [{ content: encoder.encode('x') }],
    });
    const manifestUrl = `${registry.url}/v2/demo/deleted/manifests/${image.digest}`;
    expect((await fetch(manifestUrl, { method: 'DELETE' })).status).toBe(202);
    expect((await fetch(manifestUrl, { headers: { Accept: OCI_MANIFEST_MEDIA_TYPE } })).status).toBe(404);
  });

  it('summarises the endpoint', () => {
    expect(registry.summary()).toBe(`registry    ${registry.url}  host=${registry.host}`);
  });
});

describe('startRegistry with htpasswd auth', () => {
  let registry: RunningRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ auth: { username: 'pusher', password: 'hunter2' } });
  });
  afterAll(async () => registry?.stop());

  it('answers 401 with a Basic challenge without credentials or with a wrong password', async () => {
    const anonymous = await fetch(`${registry.url}/v2/`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="flotilla-registry"');
    const wrong = await fetch(`${registry.url}/v2/`, {
      headers: { Authorization: basicAuthHeader({ username: 'pusher', password: 'nope' }) },
    });
    expect(wrong.status).toBe(401);
    await expect(pushBlob({ url: registry.url }, 'locked/app', encoder.encode('x'))).rejects.toThrow(/401/);
  });

  it('pushes and pulls an image with Basic auth', async () => {
    const authorization = basicAuthHeader({ username: 'pusher', password: 'hunter2' });
    expect((await fetch(`${registry.url}/v2/`, { headers: { Authorization: authorization } })).status).toBe(
      200,
    );
    const image = await pushOciImage(registry, {
      repository: 'locked/app',
      tag: '1.2.3',
      layers: [
        {
          content: encoder.encode('secret layer'),
          mediaType: 'application/vnd.cncf.flux.content.v1.tar+gzip',
        },
      ],
      annotations: { 'org.opencontainers.image.revision': 'main@sha1:abc' },
    });
    const manifest = await fetch(`${registry.url}/v2/locked/app/manifests/1.2.3`, {
      headers: { Authorization: authorization, Accept: OCI_MANIFEST_MEDIA_TYPE },
    });
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('docker-content-digest')).toBe(image.digest);
    const parsed = JSON.parse(await manifest.text()) as { annotations: Record<string, string> };
    expect(parsed.annotations['org.opencontainers.image.revision']).toBe('main@sha1:abc');
    const blob = await fetch(`${registry.url}/v2/locked/app/blobs/${image.layerDigests[0]}`, {
      headers: { Authorization: authorization },
    });
    expect(await blob.text()).toBe('secret layer');
  });

  it('summarises endpoint and credentials', () => {
    expect(registry.summary()).toBe(
      `registry    ${registry.url}  user=pusher  password=hunter2  host=${registry.host}`,
    );
  });
});

describe('startRegistry stop()', () => {
  it('shuts the registry down, removes its temp dir and can be called again', async () => {
    const registry = await startRegistry();
    try {
      expect(existsSync(dirname(registry.dataDir))).toBe(true);
    } finally {
      await registry.stop();
    }
    await registry.stop();
    expect(existsSync(dirname(registry.dataDir))).toBe(false);
    await expect(fetch(`${registry.url}/v2/`)).rejects.toThrow();
  });
});

describe('startRegistry with Bearer token auth', () => {
  let registry: RunningRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ tokenAuth: { credentials: { username: 'robot', password: 's3cret' } } });
  });
  afterAll(async () => registry?.stop());

  it('challenges with the token realm and accepts a token the token server issued for the scope', async () => {
    const challenged = await fetch(`${registry.url}/v2/tokened/app/tags/list`);
    expect(challenged.status).toBe(401);
    const challenge = challenged.headers.get('www-authenticate') ?? '';
    expect(challenge).toContain(`realm="${registry.tokenServer?.realm}"`);
    expect(challenge).toContain('scope="repository:tokened/app:pull"');
    const tokenUrl = new URL(registry.tokenServer?.realm ?? '');
    tokenUrl.searchParams.set('service', 'flotilla-registry');
    tokenUrl.searchParams.set('scope', 'repository:tokened/app:pull,push');
    const wrong = await fetch(tokenUrl, {
      headers: { Authorization: basicAuthHeader({ username: 'robot', password: 'nope' }) },
    });
    expect(wrong.status).toBe(401);
    const issued = await fetch(tokenUrl, {
      headers: { Authorization: basicAuthHeader({ username: 'robot', password: 's3cret' }) },
    });
    const { token } = (await issued.json()) as { token: string };
    const started = await fetch(`${registry.url}/v2/tokened/app/blobs/uploads/`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(started.status).toBe(202);
    const anonymous = await fetch(`${tokenUrl}`);
    const { token: anonymousToken } = (await anonymous.json()) as { token: string };
    const denied = await fetch(`${registry.url}/v2/tokened/app/blobs/uploads/`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${anonymousToken}` },
    });
    expect(denied.status).toBe(401);
    expect(registry.tokenServer?.requests.map((request) => request.principal)).toEqual([
      'rejected',
      'basic:robot',
      'anonymous',
    ]);
  });
});

describe('startRegistry with TLS', () => {
  let registry: RunningRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ tls: { clientAuth: true } });
  });
  afterAll(async () => registry?.stop());

  it('serves HTTPS with a certificate of the generated CA and requires a client certificate', async () => {
    expect(registry.url).toBe(`https://${registry.host}`);
    const pki = registry.pki;
    expect(pki?.ca.cert).toContain('BEGIN CERTIFICATE');
    const { request } = await import('node:https');
    const status = (options: object) =>
      new Promise<number | string>((resolve) => {
        const sent = request(`${registry.url}/v2/`, options, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        sent.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
        sent.end();
      });
    expect(await status({ ca: pki?.ca.cert, cert: pki?.client.cert, key: pki?.client.key })).toBe(200);
    expect(await status({})).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(await status({ ca: pki?.ca.cert })).not.toBe(200);
  });
});
