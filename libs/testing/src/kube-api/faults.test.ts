// Fault injection: latency, error responses and dropped watches on chosen paths.
import { describe, expect, it } from 'vitest';
import { startFileKubeApi } from './test-support/file-server.js';

const { server, raw } = await startFileKubeApi();

describe('fault injection', () => {
  it('answers chosen requests with 500 or 429 Status bodies, a limited number of times', async () => {
    const fault = server.faults.add({
      path: '/api/v1/namespaces/default/configmaps',
      method: 'GET',
      status: 500,
      times: 1,
    });
    const failed = await raw.get('/api/v1/namespaces/default/configmaps');
    expect(failed.status).toBe(500);
    expect(failed.body).toMatchObject({ kind: 'Status', reason: 'InternalError', code: 500 });
    expect((await raw.get('/api/v1/namespaces/default/configmaps')).status).toBe(200);
    expect(fault.hits).toBe(1);
    fault.remove();
    const throttle = server.faults.add({ path: /\/secrets/, status: 429, retryAfterSeconds: 2 });
    const throttled = await raw.get('/api/v1/namespaces/default/secrets');
    expect(throttled.status).toBe(429);
    expect(throttled.body.reason).toBe('TooManyRequests');
    expect(throttled.headers.get('retry-after')).toBe('2');
    expect((await raw.get('/api/v1/namespaces/default/configmaps')).status).toBe(200);
    throttle.remove();
  });

  it('adds latency', async () => {
    const fault = server.faults.add({ path: '/api/v1/namespaces/default/serviceaccounts', latencyMs: 150 });
    const started = Date.now();
    expect((await raw.get('/api/v1/namespaces/default/serviceaccounts')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    fault.remove();
  });

  it('drops watches after a delay, or at once on demand', async () => {
    const fault = server.faults.add({
      path: '/api/v1/namespaces/default/configmaps',
      watch: true,
      dropWatchAfterMs: 50,
    });
    const stream = await raw.watch(
      `/api/v1/namespaces/default/configmaps?resourceVersion=${server.resourceVersion}`,
    );
    expect(await stream.waitForEnd(2000)).toBe(true);
    fault.remove();
    const other = await raw.watch(
      `/api/v1/namespaces/default/secrets?resourceVersion=${server.resourceVersion}`,
    );
    expect(server.dropWatches('/api/v1/namespaces/default/secrets')).toBe(1);
    expect(await other.waitForEnd(2000)).toBe(true);
  });

  it('clear() removes every rule', async () => {
    server.faults.add({ status: 500 });
    expect((await raw.get('/api/v1')).status).toBe(500);
    server.faults.clear();
    expect((await raw.get('/api/v1')).status).toBe(200);
  });
});
