// Liveness, readiness and Prometheus metrics over HTTP (fastify), on Flux's ports and paths.
import { parseAddress } from '@flotilla/config';
import Fastify, { type FastifyInstance } from 'fastify';
import { Registry, collectDefaultMetrics } from 'prom-client';

export type ReadinessCheck = () => Promise<void> | void;

export interface HealthServerOptions {
  healthAddr: string;
  metricsAddr: string;
  registry: Registry;
}

export interface HealthServer {
  /** Registers a check that /readyz runs; a throw makes the process not ready, with its message. */
  addReadinessCheck(name: string, check: ReadinessCheck): void;
  /** Actual bound addresses (useful when port 0 was asked for). */
  readonly healthUrl: string;
  readonly metricsUrl: string;
  /** /readyz answers 503 from now on, so traffic moves away before work drains. */
  markShuttingDown(): void;
  close(): Promise<void>;
}

export function createMetricsRegistry(defaultLabels: Record<string, string> = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels(defaultLabels);
  collectDefaultMetrics({ register: registry });
  return registry;
}

function addHealthRoutes(
  app: FastifyInstance,
  checks: Map<string, ReadinessCheck>,
  isClosing: () => boolean,
): void {
  app.get('/healthz', async (_request, reply) => reply.type('text/plain').send('ok'));
  app.get('/readyz', async (_request, reply) => {
    if (isClosing()) return reply.code(503).type('text/plain').send('shutting down');
    const failures: string[] = [];
    for (const [name, check] of checks) {
      try {
        await check();
      } catch (error) {
        failures.push(`${name}: ${(error as Error).message}`);
      }
    }
    if (failures.length > 0) return reply.code(503).type('text/plain').send(failures.join('\n'));
    return reply.type('text/plain').send('ok');
  });
}

function addMetricsRoute(app: FastifyInstance, registry: Registry): void {
  app.get('/metrics', async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
}

async function listen(app: FastifyInstance, address: string): Promise<string> {
  const { host, port } = parseAddress(address);
  await app.listen({ host, port });
  const bound = app.server.address();
  const boundPort = typeof bound === 'object' && bound ? bound.port : port;
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${boundPort}`;
}

/** Starts the health and metrics endpoints; one server when both addresses are the same. */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const checks = new Map<string, ReadinessCheck>();
  let closing = false;
  const health = Fastify({ logger: false });
  addHealthRoutes(health, checks, () => closing);
  const shared = options.healthAddr === options.metricsAddr;
  const metrics = shared ? health : Fastify({ logger: false });
  addMetricsRoute(metrics, options.registry);
  const healthUrl = await listen(health, options.healthAddr);
  const metricsUrl = shared ? healthUrl : await listen(metrics, options.metricsAddr);
  return {
    addReadinessCheck: (name, check) => checks.set(name, check),
    healthUrl,
    metricsUrl,
    markShuttingDown: () => {
      closing = true;
    },
    close: async () => {
      closing = true;
      await health.close();
      if (!shared) await metrics.close();
    },
  };
}
