// The Foundation contract every controller service meets, as one suite each service runs
// against its own built binary with real NATS and S3 servers.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allKinds, crdFor } from '@flotilla/api';
import { startKubeApi, type KubeApiServer } from './kube-api/index.js';
import { startNatsServer, type RunningNatsServer } from './nats.js';
import { startS3Server, type RunningS3Server } from './s3.js';
import { makeTempDir, removeDir } from './process.js';
import { startServiceProcess } from './service-process.js';

export interface ServiceContractOptions {
  /** The service watches Flux kinds: give it the API-server double with every Flux CRD. */
  fluxCluster?: boolean;
  /** More environment for the process. */
  env?: Record<string, string>;
}

export function describeServiceProcess(
  name: string,
  entry: string,
  options: ServiceContractOptions = {},
): void {
  describe(`${name} process`, () => {
    let nats: RunningNatsServer;
    let s3: RunningS3Server;
    let kube: KubeApiServer | undefined;
    let dir: string | undefined;
    beforeAll(async () => {
      if (!existsSync(entry))
        throw new Error(`${entry} is missing: npm test builds it first (npm run build)`);
      [nats, s3] = await Promise.all([startNatsServer(), startS3Server({ bucket: 'service-test' })]);
      if (options.fluxCluster) {
        kube = await startKubeApi({
          crds: allKinds.map((kind) => crdFor(kind) as unknown as Record<string, unknown>),
        });
        dir = await makeTempDir(`${name}-process`);
        await writeFile(join(dir, 'kubeconfig'), kube.kubeconfig(), { mode: 0o600 });
      }
    });
    afterAll(async () => {
      await Promise.all([nats?.stop(), s3?.stop(), kube?.close()]);
      if (dir) await removeDir(dir);
    });

    const env = () => ({
      ...options.env,
      ...(dir ? { KUBECONFIG: join(dir, 'kubeconfig') } : {}),
      FLOTILLA_NATS_URL: nats.url,
      FLOTILLA_ARTIFACTS_BACKEND: 's3',
      FLOTILLA_S3_ENDPOINT: s3.endpoint,
      FLOTILLA_S3_BUCKET: 'service-test',
      FLOTILLA_S3_ACCESS_KEY_ID: s3.accessKeyId,
      FLOTILLA_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    });

    it('connects to NATS and S3, serves healthz/readyz/metrics, and exits 0 on SIGTERM', async () => {
      const service = await startServiceProcess({ entry, env: env() });
      try {
        expect(await (await fetch(`${service.healthUrl}/healthz`)).text()).toBe('ok');
        await expect
          .poll(async () => (await fetch(`${service.healthUrl}/readyz`)).status, { timeout: 10_000 })
          .toBe(200);
        await expect
          .poll(async () => (await fetch(`${service.metricsUrl}/metrics`)).text(), { timeout: 10_000 })
          .toMatch(/flotilla_bus_connection_state\{[^}]*state="connected"[^}]*\} 1/);
        const log = service.process.output();
        expect(log).toContain(`"logger":"${name}"`);
      } finally {
        expect(await service.terminate()).toBe(0);
      }
      expect(service.process.output()).toContain('shutdown complete');
    });

    it('refuses invalid configuration with exit code 2 and a message naming the problem', async () => {
      await expect(
        startServiceProcess({ entry, env: { ...env(), FLOTILLA_S3_ENDPOINT: 'not-a-url' } }),
      ).rejects.toThrow(/exited with 2:[\s\S]*FLOTILLA_S3_ENDPOINT/);
    });
  });
}
