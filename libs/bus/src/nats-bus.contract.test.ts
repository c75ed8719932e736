import { startNatsServer, type RunningNatsServer } from '@flotilla/testing';
import { afterAll, beforeAll } from 'vitest';
import { createNatsBus } from './nats-bus.js';
import { describeBusContract } from './test-support/bus-contract.js';

let server: RunningNatsServer;
let isolation = 0;

beforeAll(async () => {
  server = await startNatsServer({ user: 'flotilla', password: 'contract-secret' });
});
afterAll(async () => server?.stop());

describeBusContract('NATS JetStream', async ({ config, registry, logger }) => {
  isolation++;
  return createNatsBus(
    {
      servers: [server.url],
      user: 'flotilla',
      password: 'contract-secret',
      streamName: `CONTRACT_${isolation}`,
      subjectPrefix: `contract${isolation}`,
      reconnectWaitMs: 50,
      maxReconnectWaitMs: 500,
      // Streams reserve their max bytes from the server's store; keep many test streams small.
      streamMaxBytes: 1024 * 1024,
      ...config,
    },
    { registry, logger, connectTimeoutMs: 10_000 },
  );
});
