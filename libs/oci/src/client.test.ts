import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  listenOnLoopback,
  startRegistry,
  type ListeningHttpServer,
  type RunningRegistry,
} from '@flotilla/testing';
import { OciClient, type ImageIndex } from './client.js';
import { sha256 } from './digest.js';
import { OciDigestMismatchError, OciNotFoundError, OciTooLargeError, OciUnreachableError } from './errors.js';
import { OCI_INDEX, OCI_MANIFEST } from './media-types.js';
import { parseReference, withDigest, withTag } from './reference.js';

const text = (value: string) => Buffer.from(value);

describe('OciClient against docker-registry', () => {
  let registry: RunningRegistry;
  let client: OciClient;
  beforeAll(async () => {
    registry = await startRegistry();
    client = new OciClient(registry.host, { insecure: true, chunkSize: 64 * 1024 });
  });
  afterAll(async () => {
    client?.close();
    await registry?.stop();
  });

  const repo = (name: string) => parseReference(`${registry.host}/${name}`);

  async function pushImage(name: string, tag: string, layer: Buffer) {
    const ref = repo(name);
    const config = await client.pushBlob(ref, text('{"architecture":"amd64","os":"linux"}'));
    const blob = await client.pushBlob(ref, layer);
    const manifest = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...blob }],
    };
    const digest = await client.putManifest(withTag(ref, tag), manifest, OCI_MANIFEST);
    return { digest, manifest, blob };
  }

  it('pings a registry without auth', async () => {
    expect(await client.ping()).toEqual({ scheme: 'none' });
  });

  it('puts a manifest and reads it back by tag and digest, HEAD agreeing on the digest', async () => {
    const pushed = await pushImage('demo/app', 'v1', text('layer one'));
    const byTag = await client.getManifest(withTag(repo('demo/app'), 'v1'));
    expect(byTag.digest).toBe(pushed.digest);
    expect(byTag.mediaType).toBe(OCI_MANIFEST);
    expect(byTag.manifest).toEqual(pushed.manifest);
    expect(sha256(byTag.bytes)).toBe(pushed.digest);
    const byDigest = await client.getManifest(withDigest(repo('demo/app'), pushed.digest));
    expect(byDigest.bytes.equals(byTag.bytes)).toBe(true);
    const head = await client.headManifest(withTag(repo('demo/app'), 'v1'));
    expect(head).toEqual({ digest: pushed.digest, mediaType: OCI_MANIFEST, size: byTag.size });
  });

  it('names missing manifests, repositories and blobs with OciNotFoundError', async () => {
    await pushImage('demo/present', 'v1', text('x'));
    await expect(client.getManifest(withTag(repo('demo/present'), 'nope'))).rejects.toThrow(OciNotFoundError);
    await expect(client.headManifest(withTag(repo('demo/absent'), 'v1'))).rejects.toThrow(OciNotFoundError);
    await expect(client.getManifest(withTag(repo('demo/absent'), 'v1'))).rejects.toThrow(
      /MANIFEST_UNKNOWN|NAME_UNKNOWN/,
    );
    await expect(client.fetchBlob(repo('demo/present'), sha256('never pushed'))).rejects.toThrow(
      OciNotFoundError,
    );
    await expect(client.listTags(repo('demo/absent'))).rejects.toThrow(OciNotFoundError);
  });

  it('streams blobs verified, enforces the size limit, and knows which blobs exist', async () => {
    const content = randomBytes(200 * 1024);
    const ref = repo('demo/blobs');
    const { digest, size } = await client.pushBlob(ref, content);
    expect(await client.blobExists(ref, digest)).toBe(size);
    expect(await client.blobExists(ref, sha256('missing'))).toBeUndefined();
    expect((await client.readBlob(ref, digest)).equals(content)).toBe(true);
    await expect(client.readBlob(ref, digest, { maxBytes: 1000 })).rejects.toThrow(OciTooLargeError);
    await expect(client.readBlob(ref, digest, { maxBytes: 1000, size })).rejects.toThrow(
      /larger than the limit/,
    );
  });

  it('uploads big blobs in PATCH chunks and mounts blobs across repositories', async () => {
    // chunkSize is 64 KiB in this client: 300 KiB takes five PATCH requests.
    const content = randomBytes(300 * 1024);
    const { digest } = await client.pushBlob(repo('demo/chunked'), content);
    expect((await client.readBlob(repo('demo/chunked'), digest)).equals(content)).toBe(true);
    expect(await client.blobExists(repo('demo/mounted'), digest)).toBeUndefined();
    await client.pushBlob(repo('demo/mounted'), content, { mountFrom: 'demo/chunked' });
    expect(await client.blobExists(repo('demo/mounted'), digest)).toBe(content.length);
  });

  it('lists every tag; distribution 2.8 ignores n on tags/list and answers in one page', async () => {
    const tags = ['1.0.0', '1.1.0', '2.0.0', '2.0.1', 'latest'];
    for (const tag of tags) await pushImage('demo/tags', tag, text(`layer ${tag}`));
    const onePage = await fetch(`${registry.url}/v2/demo/tags/tags/list?n=2`);
    expect(onePage.headers.get('link')).toBeNull();
    expect([...(await client.listTags(repo('demo/tags'), { pageSize: 2 }))].sort()).toEqual(tags);
  });

  it('resolves a platform from an index', async () => {
    const amd = await pushImage('demo/multi', 'amd64', text('amd64 layer'));
    const arm = await pushImage('demo/multi', 'arm64', text('arm64 layer'));
    const index: ImageIndex = {
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        {
          mediaType: OCI_MANIFEST,
          digest: amd.digest,
          size: Buffer.byteLength(JSON.stringify(amd.manifest)),
          platform: { os: 'linux', architecture: 'amd64' },
        },
        {
          mediaType: OCI_MANIFEST,
          digest: arm.digest,
          size: Buffer.byteLength(JSON.stringify(arm.manifest)),
          platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
        },
      ],
    };
    const indexDigest = await client.putManifest(withTag(repo('demo/multi'), 'latest'), index, OCI_INDEX);
    const fetched = await client.getManifest(withTag(repo('demo/multi'), 'latest'));
    expect(fetched.digest).toBe(indexDigest);
    expect(fetched.mediaType).toBe(OCI_INDEX);
    const arm64 = await client.getImageManifest(withTag(repo('demo/multi'), 'latest'), {
      os: 'linux',
      architecture: 'arm64',
    });
    expect(arm64.digest).toBe(arm.digest);
    expect((await client.getImageManifest(withTag(repo('demo/multi'), 'latest'))).digest).toBe(amd.digest);
    await expect(
      client.getImageManifest(withTag(repo('demo/multi'), 'latest'), {
        os: 'windows',
        architecture: 'amd64',
      }),
    ).rejects.toThrow(/no manifest for platform windows\/amd64/);
  });

  it('deletes a manifest by digest', async () => {
    const { digest } = await pushImage('demo/delete', 'v1', text('gone soon'));
    await client.deleteManifest(withDigest(repo('demo/delete'), digest));
    await expect(client.getManifest(withDigest(repo('demo/delete'), digest))).rejects.toThrow(
      OciNotFoundError,
    );
  });

  it('refuses references of another registry', async () => {
    await expect(client.getManifest(parseReference('ghcr.io/x/y:1'))).rejects.toThrow(/is not on registry/);
  });

  it('fails with OciUnreachableError when HTTPS meets a plain-HTTP registry (insecure not set)', async () => {
    const secure = new OciClient(registry.host, { retry: { attempts: 1 } });
    try {
      await expect(secure.ping()).rejects.toThrow(OciUnreachableError);
    } finally {
      secure.close();
    }
  });

  it('fails with OciUnreachableError on a closed port, after the configured retries', async () => {
    const closed = await listenOnLoopback((_request, response) => response.end());
    await closed.close();
    const nowhere = new OciClient(`127.0.0.1:${closed.port}`, {
      insecure: true,
      retry: { attempts: 2, delayMs: 10 },
    });
    try {
      await expect(nowhere.ping()).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      nowhere.close();
    }
  });
});

describe('digest verification against a registry that serves wrong bytes', () => {
  // Only this case needs a fake: a real registry never serves bytes that miss their digest.
  let fake: ListeningHttpServer;
  let client: OciClient;
  const good = text('the real content');
  const goodDigest = sha256(good);
  const manifest = text(
    JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: {}, layers: [] }),
  );

  beforeAll(async () => {
    fake = await listenOnLoopback((request: IncomingMessage, response: ServerResponse) => {
      const path = request.url ?? '';
      if (path === '/v2/') return response.writeHead(200).end('{}');
      if (path.includes('/blobs/'))
        return response.writeHead(200, { 'Content-Length': '16' }).end('tampered content');
      if (path.endsWith('/manifests/lying')) {
        // Announces the digest of other bytes than it sends.
        return response
          .writeHead(200, { 'Content-Type': OCI_MANIFEST, 'Docker-Content-Digest': goodDigest })
          .end(manifest);
      }
      return response.writeHead(200, { 'Content-Type': OCI_MANIFEST }).end(manifest);
    });
    client = new OciClient(`127.0.0.1:${fake.port}`, { insecure: true });
  });
  afterAll(async () => {
    client?.close();
    await fake?.close();
  });
  const repo = () => parseReference(`127.0.0.1:${fake.port}/fake/repo`);

  it('fails a blob stream whose bytes miss the digest', async () => {
    const error = await client.readBlob(repo(), goodDigest).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OciDigestMismatchError);
    expect((error as OciDigestMismatchError).expected).toBe(goodDigest);
    expect((error as OciDigestMismatchError).actual).toBe(sha256('tampered content'));
  });

  it('fails a manifest fetched by digest whose bytes miss it, and one that misannounces its digest', async () => {
    await expect(client.getManifest(withDigest(repo(), goodDigest))).rejects.toThrow(OciDigestMismatchError);
    await expect(client.getManifest(withTag(repo(), 'lying'))).rejects.toThrow(/digest mismatch/);
    expect((await client.getManifest(withTag(repo(), 'honest'))).digest).toBe(sha256(manifest));
  });
});

describe('tag listing with Link pagination', () => {
  // docker-registry 2.8 does not paginate tags/list (distribution 3, GHCR, Harbor and ECR do), so a
  // small server paginates like distribution 3: `n` and `last`, a relative Link to the next page.
  const allTags = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
  const requests: string[] = [];
  let pager: ListeningHttpServer;
  let client: OciClient;
  beforeAll(async () => {
    pager = await listenOnLoopback((request, response) => {
      const url = new URL(request.url ?? '/', 'http://pager.invalid');
      requests.push(`${url.pathname}${url.search}`);
      if (url.pathname === '/v2/') return response.writeHead(200).end('{}');
      if (url.pathname === '/v2/escape/tags/list') {
        return response
          .writeHead(200, {
            'Content-Type': 'application/json',
            Link: '<http://elsewhere.invalid/v2/escape/tags/list?n=2&last=b>; rel="next"',
          })
          .end(JSON.stringify({ name: 'escape', tags: ['a', 'b'] }));
      }
      if (url.pathname === '/v2/empty/tags/list')
        return response.writeHead(200).end('{"name":"empty","tags":null}');
      const n = Number(url.searchParams.get('n') ?? allTags.length);
      const last = url.searchParams.get('last');
      const start = last ? allTags.indexOf(last) + 1 : 0;
      const page = allTags.slice(start, start + n);
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (start + n < allTags.length)
        headers.Link = `</v2/paged/tags/list?n=${n}&last=${page.at(-1)}>; rel="next"`;
      return response.writeHead(200, headers).end(JSON.stringify({ name: 'paged', tags: page }));
    });
    client = new OciClient(`127.0.0.1:${pager.port}`, { insecure: true });
  });
  afterAll(async () => {
    client?.close();
    await pager?.close();
  });
  const repo = (name: string) => parseReference(`127.0.0.1:${pager.port}/${name}`);

  it('follows rel="next" pages of n=2 until there is no Link', async () => {
    requests.length = 0;
    expect(await client.listTags(repo('paged'), { pageSize: 2 })).toEqual(allTags);
    expect(requests.filter((path) => path.includes('tags/list'))).toEqual([
      '/v2/paged/tags/list?n=2',
      '/v2/paged/tags/list?n=2&last=b',
      '/v2/paged/tags/list?n=2&last=d',
      '/v2/paged/tags/list?n=2&last=f',
    ]);
  });

  it('reads tags: null as no tags and refuses a next page on another host', async () => {
    expect(await client.listTags(repo('empty'))).toEqual([]);
    await expect(client.listTags(repo('escape'))).rejects.toThrow(/Link header leaves the registry/);
  });
});

describe('transport behaviour a real registry does not show on demand', () => {
  // Redirects to blob storage, transient 503s and stalls come from the network and CDNs in front of
  // registries; two small servers stand in for "registry" and "storage".
  const seen: Array<{ server: string; path: string; authorization?: string }> = [];
  let storage: ListeningHttpServer;
  let front: ListeningHttpServer;
  let flaky = 0;
  const blob = text('blob behind a redirect');
  beforeAll(async () => {
    storage = await listenOnLoopback((request, response) => {
      seen.push({ server: 'storage', path: request.url ?? '', authorization: request.headers.authorization });
      response.writeHead(200, { 'Content-Length': String(blob.length) }).end(blob);
    });
    front = await listenOnLoopback((request, response) => {
      const path = request.url ?? '';
      seen.push({ server: 'front', path, authorization: request.headers.authorization });
      if (path === '/v2/') return response.writeHead(200).end('{}');
      if (path.includes('/blobs/')) {
        return response.writeHead(307, { Location: `http://localhost:${storage.port}/data?sig=1` }).end();
      }
      if (path.endsWith('/tags/list') && flaky++ < 2) return response.writeHead(503).end('busy');
      if (path.endsWith('/tags/list')) return response.writeHead(200).end('{"name":"x","tags":["v1"]}');
      // Never answers: the client's inactivity timeout must end the request.
      return undefined;
    });
  });
  afterAll(async () => {
    await front?.close();
    await storage?.close();
  });
  const client = (options: ConstructorParameters<typeof OciClient>[1] = {}) =>
    new OciClient(`127.0.0.1:${front.port}`, {
      insecure: true,
      credentials: { registryToken: 'tok' },
      ...options,
    });
  const repo = () => parseReference(`127.0.0.1:${front.port}/x/y`);

  it('follows a blob redirect to another host without sending it the Authorization header', async () => {
    const oci = client();
    try {
      seen.length = 0;
      expect((await oci.readBlob(repo(), sha256(blob))).equals(blob)).toBe(true);
      expect(seen).toEqual([
        { server: 'front', path: `/v2/x/y/blobs/${sha256(blob)}`, authorization: 'Bearer tok' },
        { server: 'storage', path: '/data?sig=1', authorization: undefined },
      ]);
    } finally {
      oci.close();
    }
  });

  it('retries GETs answered 503 with backoff', async () => {
    const oci = client({ retry: { attempts: 3, delayMs: 5 } });
    try {
      flaky = 0;
      expect(await oci.listTags(repo())).toEqual(['v1']);
      expect(flaky).toBe(3);
    } finally {
      oci.close();
    }
  });

  it('gives up on a stalled request after timeoutMs', async () => {
    const oci = client({ timeoutMs: 200, retry: { attempts: 1 } });
    try {
      const started = Date.now();
      await expect(oci.getManifest(withTag(repo(), 'v1'))).rejects.toThrow(OciUnreachableError);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      oci.close();
    }
  });
});

describe('a registry that answers /v2/ with 200 but challenges per repository', () => {
  // Seen with registries that allow anonymous /v2/ and protect repositories (e.g. behind a gateway).
  let server: ListeningHttpServer;
  const tokenRequests: string[] = [];
  beforeAll(async () => {
    server = await listenOnLoopback((request, response) => {
      const url = new URL(request.url ?? '/', 'http://x.invalid');
      if (url.pathname === '/v2/') return response.writeHead(200).end('{}');
      if (url.pathname === '/token') {
        tokenRequests.push(url.searchParams.getAll('scope').join(' '));
        return response.writeHead(200).end(JSON.stringify({ access_token: 'granted', expires_in: 300 }));
      }
      if (request.headers.authorization !== 'Bearer granted') {
        return response
          .writeHead(401, {
            'WWW-Authenticate': `Bearer realm="${server.url}/token",service="gw",scope="repository:x/y:pull"`,
          })
          .end();
      }
      return response.writeHead(200).end('{"name":"x/y","tags":["v1","v2"]}');
    });
  });
  afterAll(async () => server?.close());

  it('adopts the Bearer challenge of the first 401 and caches the token', async () => {
    const client = new OciClient(`127.0.0.1:${server.port}`, { insecure: true });
    try {
      const repo = parseReference(`127.0.0.1:${server.port}/x/y`);
      expect(await client.listTags(repo)).toEqual(['v1', 'v2']);
      expect(await client.listTags(repo)).toEqual(['v1', 'v2']);
      expect(tokenRequests).toEqual(['repository:x/y:pull']);
      expect((await client.ping()).scheme).toBe('bearer');
    } finally {
      client.close();
    }
  });
});
