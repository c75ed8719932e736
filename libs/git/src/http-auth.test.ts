import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeTempDir,
  makeTestPki,
  removeDir,
  startGitHttpServer,
  startHttpProxy,
  type RunningGitHttpServer,
  type RunningHttpProxy,
  type TestPki,
} from '@flotilla/testing';
import { authFromSecretData, checkout, proxyFromSecretData } from './index.js';

const credentials = { username: 'flux', password: 's3cret' };
const token = 'token-abc';

let work: string;
let pki: TestPki;
let basic: RunningGitHttpServer;
let bearer: RunningGitHttpServer;
let tls: RunningGitHttpServer;
let mtls: RunningGitHttpServer;
let proxy: RunningHttpProxy;
let counter = 0;

function freshDir(): string {
  counter += 1;
  return join(work, `http-${counter}`);
}

beforeAll(async () => {
  work = await makeTempDir('git-http-auth-test');
  pki = await makeTestPki(work);
  basic = await startGitHttpServer({ auth: credentials });
  bearer = await startGitHttpServer({ bearerToken: token });
  tls = await startGitHttpServer({ tls: { key: pki.server.key, cert: pki.server.cert } });
  mtls = await startGitHttpServer({
    tls: { key: pki.server.key, cert: pki.server.cert, clientCa: pki.ca.cert },
  });
  proxy = await startHttpProxy({ auth: { username: 'proxy', password: 'pw' } });
  for (const server of [basic, bearer, tls, mtls])
    await server.createRepo('app', { files: { 'a.txt': 'a\n' } });
});

afterAll(async () => {
  await Promise.all([basic, bearer, tls, mtls, proxy].map((server) => server?.stop()));
  if (work) await removeDir(work);
});

describe('HTTP authentication', () => {
  it('uses Basic credentials and rejects wrong or missing ones', async () => {
    const url = basic.repoUrl('app');
    const ok = await checkout({ url, ref: { branch: 'main' }, dir: freshDir(), auth: credentials });
    expect(ok.revision).toMatch(/^main@sha1:[0-9a-f]{40}$/);
    const inUrl = await checkout({
      url: basic.repoUrl('app', { withCredentials: true }),
      ref: { branch: 'main' },
      dir: freshDir(),
    });
    expect(inUrl.revision).toBe(ok.revision);
    await expect(
      checkout({
        url,
        ref: { branch: 'main' },
        dir: freshDir(),
        auth: { username: 'flux', password: 'wrong' },
      }),
    ).rejects.toMatchObject({ code: 'AuthenticationFailed', message: expect.stringContaining('HTTP 401') });
    await expect(checkout({ url, ref: { branch: 'main' }, dir: freshDir() })).rejects.toMatchObject({
      code: 'AuthenticationFailed',
    });
  });

  it('uses a bearer token from a Secret and rejects a wrong one', async () => {
    const url = bearer.repoUrl('app');
    const auth = authFromSecretData({ bearerToken: Buffer.from(token) });
    const ok = await checkout({ url, ref: { branch: 'main' }, dir: freshDir(), auth });
    expect(ok.changed).toBe(true);
    await expect(
      checkout({ url, ref: { branch: 'main' }, dir: freshDir(), auth: { bearerToken: 'nope' } }),
    ).rejects.toMatchObject({ code: 'AuthenticationFailed' });
    await expect(
      checkout({ url, dir: freshDir(), auth: { bearerToken: token, username: 'x', password: 'y' } }),
    ).rejects.toMatchObject({ code: 'InvalidOptions' });
  });
});

describe('HTTPS', () => {
  it('trusts a custom CA from ca.crt (or legacy caFile) and fails without it', async () => {
    const url = tls.repoUrl('app');
    expect(url.startsWith('https://')).toBe(true);
    const ok = await checkout({
      url,
      ref: { branch: 'main' },
      dir: freshDir(),
      auth: authFromSecretData({ 'ca.crt': pki.ca.cert }),
    });
    expect(ok.changed).toBe(true);
    const legacy = await checkout({
      url,
      ref: { branch: 'main' },
      dir: freshDir(),
      auth: authFromSecretData({ caFile: pki.ca.cert }),
    });
    expect(legacy.changed).toBe(true);
    await expect(checkout({ url, ref: { branch: 'main' }, dir: freshDir() })).rejects.toMatchObject({
      code: 'TlsFailed',
    });
  });

  it('presents a client certificate when the server requires one', async () => {
    const url = mtls.repoUrl('app');
    const auth = authFromSecretData({
      'ca.crt': pki.ca.cert,
      'tls.crt': pki.client.cert,
      'tls.key': pki.client.key,
    });
    const ok = await checkout({ url, ref: { branch: 'main' }, dir: freshDir(), auth });
    expect(ok.changed).toBe(true);
    const error = await checkout({
      url,
      ref: { branch: 'main' },
      dir: freshDir(),
      auth: { caCert: pki.ca.cert },
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: expect.stringMatching(/TlsFailed|Unreachable/) });
  });
});

describe('redirects', () => {
  it('follows a redirect of the ref discovery and sends the pack request to the new location', async () => {
    const seen: string[] = [];
    const redirector = createServer((request, response) => {
      seen.push(`${request.method} ${request.url}`);
      if (request.url?.startsWith('/old/app.git/info/refs')) {
        response.writeHead(301, { location: `${basic.url}${request.url.replace('/old', '')}` }).end();
        return;
      }
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = redirector.address() as AddressInfo;
      const result = await checkout({
        url: `http://127.0.0.1:${port}/old/app.git`,
        ref: { branch: 'main' },
        dir: freshDir(),
        auth: credentials,
      });
      expect(result.changed).toBe(true);
      expect(seen.every((line) => line.startsWith('GET /old/app.git/info/refs'))).toBe(true);
    } finally {
      redirector.closeAllConnections();
      await new Promise((resolve) => redirector.close(resolve));
    }
  });
});

describe('proxy', () => {
  it('tunnels https through CONNECT with proxy credentials', async () => {
    const before = proxy.requests().length;
    const auth = { caCert: pki.ca.cert };
    const proxyOptions = proxyFromSecretData({ address: proxy.url, username: 'proxy', password: 'pw' });
    const ok = await checkout({
      url: tls.repoUrl('app'),
      ref: { branch: 'main' },
      dir: freshDir(),
      auth,
      proxy: proxyOptions,
    });
    expect(ok.changed).toBe(true);
    const seen = proxy.requests().slice(before);
    expect(seen).toContainEqual({ method: 'CONNECT', target: `127.0.0.1:${tls.port}`, status: 200 });
  });

  it('sends plain http requests to the proxy with absolute URIs', async () => {
    const before = proxy.requests().length;
    const proxyUrl = proxy.url.replace('://', '://proxy:pw@');
    const ok = await checkout({
      url: basic.repoUrl('app'),
      ref: { branch: 'main' },
      dir: freshDir(),
      auth: credentials,
      proxy: { url: proxyUrl },
    });
    expect(ok.changed).toBe(true);
    const seen = proxy.requests().slice(before);
    expect(
      seen.some(
        (entry) => entry.method === 'POST' && entry.target.startsWith(`${basic.url}/app.git/git-upload-pack`),
      ),
    ).toBe(true);
  });

  it('fails with wrong proxy credentials', async () => {
    await expect(
      checkout({
        url: tls.repoUrl('app'),
        dir: freshDir(),
        auth: { caCert: pki.ca.cert },
        proxy: { url: proxy.url, username: 'proxy', password: 'bad' },
      }),
    ).rejects.toMatchObject({ code: 'AuthenticationFailed', message: expect.stringContaining('proxy') });
  });
});
