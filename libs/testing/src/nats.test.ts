import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { startNatsServer, type RunningNatsServer } from './nats.js';

describe('startNatsServer', () => {
  let server: RunningNatsServer;
  beforeAll(async () => {
    server = await startNatsServer({ user: 'flotilla', password: 's3cret' });
  });
  afterAll(async () => server?.stop());

  it('serves publish/request on loopback with the configured credentials', async () => {
    expect(server.url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
    const nc = await connect({ servers: server.url, user: 'flotilla', pass: 's3cret' });
    const sub = nc.subscribe('ping', { max: 1 });
    (async () => {
      for await (const m of sub) m.respond('pong');
    })();
    const reply = await nc.request('ping', '', { timeout: 2000 });
    expect(reply.string()).toBe('pong');
    await nc.close();
  });

  it('rejects a client without credentials', async () => {
    await expect(connect({ servers: server.url, reconnect: false })).rejects.toThrow();
  });

  it('restarts on the same port', async () => {
    await server.restart();
    const nc = await connect({ servers: server.url, user: 'flotilla', pass: 's3cret' });
    expect(nc.info?.jetstream).toBe(true);
    await nc.close();
  });
});
