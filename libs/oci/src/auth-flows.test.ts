// Authentication against real registries: htpasswd Basic, the Docker token flow (registry with
// `auth.token` and the token server from @flotilla/testing), and TLS with a private CA.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startHttpProxy,
  startRegistry,
  type RunningHttpProxy,
  type RunningRegistry,
} from '@flotilla/testing';
import { OciClient, type OciClientOptions } from './client.js';
import { credentialsFromDockerConfig } from './docker-config.js';
import { OciUnauthorizedError, OciUnreachableError } from './errors.js';
import { parseReference, withTag } from './reference.js';
import { pullArtifact, pushArtifact } from './artifact.js';

const dockerConfig = (host: string, entry: object) => JSON.stringify({ auths: { [host]: entry } });

async function roundTrip(client: OciClient, host: string, repository: string) {
  const ref = withTag(parseReference(`${host}/${repository}`), 'v1');
  const pushed = await pushArtifact(client, ref, { content: { files: { 'a.yaml': 'kind: A\n' } } });
  const pulled = await pullArtifact(client, ref, { layerSelector: { operation: 'copy' } });
  if (pulled.operation === 'copy') pulled.blob.resume();
  return { pushed, pulled };
}

describe('Basic auth (htpasswd)', () => {
  let registry: RunningRegistry;
  const clients: OciClient[] = [];
  const make = (options: OciClientOptions) => {
    const client = new OciClient(registry.host, { insecure: true, ...options });
    clients.push(client);
    return client;
  };
  beforeAll(async () => {
    registry = await startRegistry({ auth: { username: 'pusher', password: 'hunter2' } });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await registry?.stop();
  });

  it('learns the Basic challenge and pushes and pulls with credentials from a docker config', async () => {
    const credentials = credentialsFromDockerConfig(
      dockerConfig(registry.host, { auth: Buffer.from('pusher:hunter2').toString('base64') }),
      registry.host,
    );
    const client = make({ credentials });
    expect(await client.ping()).toEqual({ scheme: 'basic', realm: 'flotilla-registry' });
    const { pushed, pulled } = await roundTrip(client, registry.host, 'basic/app');
    expect(pulled.digest).toBe(pushed.digest);
  });

  it('fails with OciUnauthorizedError on a wrong password and without credentials', async () => {
    const ref = withTag(parseReference(`${registry.host}/basic/app`), 'v1');
    const wrong = make({ credentials: { username: 'pusher', password: 'nope' } });
    const error = await wrong.getManifest(ref).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OciUnauthorizedError);
    expect((error as OciUnauthorizedError).status).toBe(401);
    expect((error as Error).message).toMatch(/unauthorized \(401\)/);
    await expect(make({}).listTags(ref)).rejects.toThrow(OciUnauthorizedError);
    await expect(make({}).listTags(ref)).rejects.toThrow(/no credentials configured/);
  });
});

describe('Bearer token flow (registry auth.token + token server)', () => {
  let registry: RunningRegistry;
  const clients: OciClient[] = [];
  const make = (options: OciClientOptions) => {
    const client = new OciClient(registry.host, { insecure: true, ...options });
    clients.push(client);
    return client;
  };
  beforeAll(async () => {
    registry = await startRegistry({
      tokenAuth: {
        credentials: { username: 'robot', password: 's3cret' },
        refreshToken: 'identity-123',
        anonymousPull: true,
      },
    });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await registry?.stop();
  });

  it('gets tokens per scope with Basic credentials at the realm and caches them', async () => {
    const requests = registry.tokenServer?.requests ?? [];
    requests.length = 0;
    const client = make({ credentials: { username: 'robot', password: 's3cret' } });
    const scheme = await client.ping();
    expect(scheme).toEqual({
      scheme: 'bearer',
      realm: registry.tokenServer?.realm,
      service: 'flotilla-registry',
    });
    const { pushed, pulled } = await roundTrip(client, registry.host, 'team/app');
    expect(pulled.revision).toBe(`v1@${pushed.digest}`);
    // One token for push (pull,push) and one for pull, however many requests each made.
    expect(requests.map((request) => [request.principal, request.scopes.join(' ')])).toEqual([
      ['basic:robot', 'repository:team/app:pull,push'],
      ['basic:robot', 'repository:team/app:pull'],
    ]);
    await client.listTags(parseReference(`${registry.host}/team/app`));
    expect(requests).toHaveLength(2);
  });

  it('exchanges an identity token with the refresh-token grant', async () => {
    const requests = registry.tokenServer?.requests ?? [];
    requests.length = 0;
    const credentials = credentialsFromDockerConfig(
      dockerConfig(registry.host, { identitytoken: 'identity-123' }),
      registry.host,
    );
    const client = make({ credentials });
    await roundTrip(client, registry.host, 'team/identity');
    expect(requests[0]).toMatchObject({ method: 'POST', principal: 'refresh_token' });
  });

  it('pulls anonymously when the token server allows it, but cannot push', async () => {
    const anonymous = make({});
    const ref = withTag(parseReference(`${registry.host}/team/app`), 'v1');
    expect((await anonymous.headManifest(ref)).digest).toMatch(/^sha256:/);
    await expect(
      pushArtifact(anonymous, withTag(ref, 'v2'), { content: { files: { 'x.yaml': 'x: 1\n' } } }),
    ).rejects.toThrow(OciUnauthorizedError);
  });

  it('reports rejected credentials at the token endpoint as OciUnauthorizedError', async () => {
    const wrong = make({ credentials: { username: 'robot', password: 'wrong' } });
    const ref = withTag(parseReference(`${registry.host}/team/app`), 'v1');
    await expect(wrong.getManifest(ref)).rejects.toThrow(
      /token endpoint .* rejected the credentials \(401\)/,
    );
  });
});

describe('TLS with a private CA and a client certificate', () => {
  let registry: RunningRegistry;
  const clients: OciClient[] = [];
  const make = (options: OciClientOptions) => {
    const client = new OciClient(registry.host, { retry: { attempts: 1 }, ...options });
    clients.push(client);
    return client;
  };
  beforeAll(async () => {
    registry = await startRegistry({ tls: { clientAuth: true } });
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await registry?.stop();
  });

  it('talks HTTPS when trusting the CA and presenting the client certificate', async () => {
    const pki = registry.pki;
    const client = make({ tls: { ca: pki?.ca.cert, cert: pki?.client.cert, key: pki?.client.key } });
    expect(client.baseUrl.protocol).toBe('https:');
    const { pushed, pulled } = await roundTrip(client, registry.host, 'tls/app');
    expect(pulled.digest).toBe(pushed.digest);
  });

  it('fails with OciUnreachableError without the CA, and without the client certificate', async () => {
    await expect(make({}).ping()).rejects.toThrow(OciUnreachableError);
    await expect(make({}).ping()).rejects.toThrow(
      /UNABLE_TO_VERIFY_LEAF_SIGNATURE|self.signed|unable to verify/i,
    );
    await expect(make({ tls: { ca: registry.pki?.ca.cert } }).ping()).rejects.toThrow(OciUnreachableError);
  });
});

describe('through an HTTP proxy (proxySecretRef)', () => {
  let registry: RunningRegistry;
  let tlsRegistry: RunningRegistry;
  let proxy: RunningHttpProxy;
  const clients: OciClient[] = [];
  const make = (host: string, options: OciClientOptions) => {
    const client = new OciClient(host, { retry: { attempts: 1 }, ...options });
    clients.push(client);
    return client;
  };
  beforeAll(async () => {
    [registry, tlsRegistry, proxy] = await Promise.all([
      startRegistry(),
      startRegistry({ tls: {} }),
      startHttpProxy({ auth: { username: 'proxy', password: 'p@ss word' } }),
    ]);
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await Promise.all([registry?.stop(), tlsRegistry?.stop(), proxy?.stop()]);
  });

  it('forwards plain-HTTP registry requests and tunnels HTTPS with CONNECT, with proxy credentials', async () => {
    const viaProxy = { url: proxy.url, username: 'proxy', password: 'p@ss word' };
    await roundTrip(make(registry.host, { insecure: true, proxy: viaProxy }), registry.host, 'proxied/app');
    const forwarded = proxy.requests().filter((entry) => entry.method !== 'CONNECT');
    expect(forwarded.length).toBeGreaterThan(3);
    expect(forwarded.every((entry) => entry.target.startsWith(`${registry.url}/v2/`))).toBe(true);
    expect(forwarded.map((entry) => entry.status)).toContain(201);

    const secure = make(tlsRegistry.host, { proxy: viaProxy, tls: { ca: tlsRegistry.pki?.ca.cert } });
    await roundTrip(secure, tlsRegistry.host, 'proxied/tls');
    expect(proxy.requests()).toContainEqual({ method: 'CONNECT', target: tlsRegistry.host, status: 200 });
  });

  it('reports wrong proxy credentials', async () => {
    const wrong = make(registry.host, {
      insecure: true,
      proxy: { url: proxy.url, username: 'proxy', password: 'no' },
    });
    await expect(wrong.ping()).rejects.toThrow(/proxy refused the credentials \(407\)/);
    const wrongTunnel = make(tlsRegistry.host, {
      proxy: { url: proxy.url },
      tls: { ca: tlsRegistry.pki?.ca.cert },
    });
    await expect(wrongTunnel.ping()).rejects.toThrow(OciUnreachableError);
    expect(() => make(registry.host, { proxy: { url: 'socks5://127.0.0.1:1080' } })).toThrow(
      /only http:\/\/ and https:\/\//,
    );
  });
});
