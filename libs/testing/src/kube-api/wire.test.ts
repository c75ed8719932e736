// Wire basics (kube-api.md §0, §6; checklist 1): JSON Content-Type and Status bodies everywhere.
import { describe, expect, it } from 'vitest';
import { startKubeApi } from './server.js';
import { startFileKubeApi } from './test-support/file-server.js';
import { RawClient } from './test-support/raw-client.js';

const { server, raw } = await startFileKubeApi();

function expectStatus(
  response: { status: number; headers: Headers; body: Record<string, unknown> },
  code: number,
  reason?: string,
) {
  expect(response.status).toBe(code);
  expect(response.headers.get('content-type')).toBe('application/json');
  expect(response.body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code });
  if (reason) expect(response.body.reason).toBe(reason);
}

describe('wire basics', () => {
  it('serves health probes as text/plain ok and /version as JSON', async () => {
    for (const path of ['/healthz', '/livez', '/readyz']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await response.text()).toBe('ok');
    }
    const version = await raw.get('/version');
    expect(version.headers.get('content-type')).toBe('application/json');
    expect(version.body).toMatchObject({
      major: '1',
      minor: '31',
      gitVersion: 'v1.31.0',
      platform: 'linux/amd64',
    });
  });

  it('answers missing or unknown credentials with a 401 Status', async () => {
    expectStatus(await raw.get('/api/v1/namespaces', { token: null }), 401, 'Unauthorized');
    const basic = await raw.get('/api/v1/namespaces', {
      token: null,
      headers: { Authorization: 'Basic eDp5' },
    });
    expectStatus(basic, 401, 'Unauthorized');
  });

  it('rejects unknown tokens when tokens are configured', async () => {
    const strict = await startKubeApi({ tokens: { good: { name: 'alice' } } });
    try {
      const client = new RawClient(strict);
      expect((await client.get('/api/v1/namespaces')).status).toBe(200);
      expectStatus(await client.get('/api/v1/namespaces', { token: 'bad' }), 401, 'Unauthorized');
    } finally {
      await strict.close();
    }
  });

  it('answers unknown paths, groups and resources with 404 and empty details', async () => {
    for (const path of [
      '/nope',
      '/apis/example.com/v1/widgets',
      '/api/v2',
      '/api/v1/widgets',
      '/apis/apps/v1/namespaces/default/widgets/x',
    ]) {
      const response = await raw.get(path);
      expectStatus(response, 404, 'NotFound');
      expect(response.body.details).toEqual({});
    }
  });

  it('answers a missing object with NotFound naming the resource', async () => {
    const response = await raw.get('/apis/apps/v1/namespaces/default/deployments/web');
    expectStatus(response, 404, 'NotFound');
    expect(response.body.details).toEqual({ name: 'web', group: 'apps', kind: 'deployments' });
    const core = await raw.get('/api/v1/namespaces/default/configmaps/none');
    expect(core.body.details).toEqual({ name: 'none', kind: 'configmaps' });
  });

  it('refuses disallowed methods with 405', async () => {
    expectStatus(await raw.post('/api/v1/namespaces/default/configmaps/x', {}), 405, 'MethodNotAllowed');
    expectStatus(await raw.put('/api/v1/namespaces/default/configmaps', {}), 405, 'MethodNotAllowed');
    expectStatus(
      await raw.request('OPTIONS', '/api/v1/namespaces/default/configmaps'),
      405,
      'MethodNotAllowed',
    );
    expectStatus(await raw.delete('/api/v1/namespaces'), 405, 'MethodNotAllowed');
  });

  it('answers malformed JSON with 400 BadRequest', async () => {
    const response = await raw.post('/api/v1/namespaces/default/configmaps', '{not json');
    expectStatus(response, 400, 'BadRequest');
  });

  it('ignores a charset parameter and unknown query parameters', async () => {
    const response = await raw.post(
      '/api/v1/namespaces/default/configmaps?pretty=true&whatever=1',
      { metadata: { name: 'charset' } },
      { contentType: 'application/json; charset=utf-8' },
    );
    expect(response.status).toBe(201);
  });

  it('scope mismatches are 404', async () => {
    expectStatus(await raw.get('/api/v1/namespaces/default/namespaces/default'), 404, 'NotFound');
    expectStatus(await raw.get('/api/v1/configmaps/x'), 404, 'NotFound');
  });

  it('sends watch streams as application/json too', async () => {
    const stream = await raw.watch('/api/v1/namespaces/default/configmaps');
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toBe('application/json');
    stream.close();
  });

  it('rejects bad dryRun values with 422', async () => {
    const response = await raw.post('/api/v1/namespaces/default/configmaps?dryRun=Yes', {
      metadata: { name: 'dry' },
    });
    expectStatus(response, 422, 'Invalid');
  });
});
