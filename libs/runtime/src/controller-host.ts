// Hosts one or more controllers in a process: configuration, logging, the event bus, the
// artifact store, health and metrics, and ordered shutdown. A service runs one controller;
// `flotilla run` runs all six in one process, sharing these.
import {
  BusConfigError,
  createInProcessBus,
  createNatsBus,
  loadBusConfigFromEnv,
  type EventBus,
} from '@flotilla/bus';
import {
  ArtifactConfigError,
  openArtifactStore,
  readArtifactStoreConfig,
  type ArtifactStore,
} from '@flotilla/artifacts';
import type { Registry } from 'prom-client';
import { ConfigError, describeOptions, loadConfig, type OptionTable } from './config.js';
import { createMetricsRegistry, startHealthServer, type HealthServer } from './health.js';
import { Lifecycle } from './lifecycle.js';
import { createLogger, type LogEncoding, type Logger, type LogLevel } from './logger.js';

export const CONTROLLER_NAMES = [
  'source-controller',
  'kustomize-controller',
  'helm-controller',
  'image-reflector-controller',
  'image-automation-controller',
  'notification-controller',
] as const;

export type ControllerName = (typeof CONTROLLER_NAMES)[number];

/** Options every controller process takes (Flux's flag names). */
export const HOST_OPTIONS = {
  metricsAddr: {
    flag: 'metrics-addr',
    type: 'address',
    default: '127.0.0.1:8080',
    description: 'Listen address of /metrics (containers use :8080).',
  },
  healthAddr: {
    flag: 'health-addr',
    type: 'address',
    default: '127.0.0.1:9440',
    description: 'Listen address of /healthz and /readyz (containers use :9440).',
  },
  logLevel: {
    flag: 'log-level',
    type: 'enum',
    values: ['trace', 'debug', 'info', 'error'],
    default: 'info' as LogLevel,
    description: 'Log verbosity.',
  },
  logEncoding: {
    flag: 'log-encoding',
    type: 'enum',
    values: ['json', 'console'],
    default: 'json' as LogEncoding,
    description: 'json: one Flux-shaped JSON object per line; console: for people.',
  },
  gracefulShutdownTimeout: {
    flag: 'graceful-shutdown-timeout',
    type: 'duration',
    default: 600_000,
    description: 'How long SIGTERM waits for in-flight work before the process exits anyway.',
  },
} satisfies OptionTable;

export interface ControllerContext {
  readonly name: ControllerName;
  readonly logger: Logger;
  readonly metrics: Registry;
  readonly bus: EventBus;
  readonly artifacts: ArtifactStore;
  readonly health: HealthServer;
  /** Register cleanup; runs on SIGTERM before the bus and store close. */
  onShutdown(name: string, run: () => Promise<void> | void): void;
}

export interface ControllerDefinition {
  name: ControllerName;
  /** Starts the controller's work (reconcilers, servers). Absent until its issue builds one. */
  start?: (context: ControllerContext) => Promise<void> | void;
}

export interface ControllerHost {
  readonly health: HealthServer;
  readonly bus: EventBus;
  readonly artifacts: ArtifactStore;
  readonly lifecycle: Lifecycle;
  readonly logger: Logger;
}

export interface HostOptions {
  argv?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Base directory for the filesystem artifact store default (.flotilla/artifacts). */
  cwd?: string;
  /** Log destination, for tests. */
  logDestination?: { write(line: string): void };
}

async function openBus(env: NodeJS.ProcessEnv, logger: Logger, registry: Registry): Promise<EventBus> {
  if (!env.FLOTILLA_NATS_URL) {
    logger.info('FLOTILLA_NATS_URL not set: using the in-process event bus');
    return createInProcessBus({ logger, registry });
  }
  // Never wait for NATS at start: an outage must not block reconciliation.
  return createNatsBus(loadBusConfigFromEnv(env), { logger, registry, waitForConnection: false });
}

/** Starts shared services, then each controller; throws ConfigError on bad configuration. */
export async function startControllerHost(
  definitions: readonly ControllerDefinition[],
  options: HostOptions = {},
): Promise<ControllerHost> {
  const env = options.env ?? process.env;
  const config = loadConfig(HOST_OPTIONS, options.argv ?? [], env);
  const storeConfig = readArtifactStoreConfig(env, { cwd: options.cwd });
  const processName = definitions.length === 1 ? (definitions[0]?.name ?? 'flotilla') : 'flotilla';
  const logger = createLogger({
    name: processName,
    level: config.logLevel,
    encoding: config.logEncoding,
    destination: options.logDestination,
  });
  const lifecycle = new Lifecycle(logger, config.gracefulShutdownTimeout);
  const metrics = createMetricsRegistry();
  const health = await startHealthServer({
    healthAddr: config.healthAddr,
    metricsAddr: config.metricsAddr,
    registry: metrics,
  });
  lifecycle.onShutdown('health server', () => health.close());
  try {
    const artifacts = await openArtifactStore(storeConfig, { logger });
    lifecycle.onShutdown('artifact store', () => artifacts.close());
    health.addReadinessCheck(
      'artifact-store',
      async () => void (await artifacts.list({ kind: 'flotilla', namespace: 'health', name: 'probe' })),
    );
    const bus = await openBus(env, logger, metrics);
    lifecycle.onShutdown('event bus', () => bus.close());
    for (const definition of definitions) {
      const context: ControllerContext = {
        name: definition.name,
        logger: logger.child({ controller: definition.name }),
        metrics,
        bus,
        artifacts,
        health,
        onShutdown: (name, run) => lifecycle.onShutdown(`${definition.name}: ${name}`, run),
      };
      await definition.start?.(context);
    }
    // Registered last so it runs first: stop answering ready before anything drains.
    lifecycle.onShutdown('readiness', () => health.markShuttingDown());
    logger.info(
      {
        controllers: definitions.map((d) => d.name),
        health: health.healthUrl,
        metrics: health.metricsUrl,
        bus: env.FLOTILLA_NATS_URL ? 'nats' : 'in-process',
        artifacts: artifacts.backend,
      },
      'started',
    );
    return { health, bus, artifacts, lifecycle, logger };
  } catch (error) {
    await lifecycle.shutdown('start failed');
    throw error;
  }
}

/**
 * Entry point of a controller process: --help, configuration errors on stderr with exit code 2,
 * and a clean exit on SIGTERM/SIGINT.
 */
export async function runControllers(
  definitions: readonly ControllerDefinition[],
  argv: readonly string[],
): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(
      `Usage: ${definitions.map((d) => d.name).join(', ')} [flags]\n\nFlags:\n${describeOptions(HOST_OPTIONS)}`,
    );
    console.log(
      '\nEvent bus and artifact store settings come from FLOTILLA_NATS_* / FLOTILLA_S3_* / FLOTILLA_ARTIFACTS_* (see README).',
    );
    return;
  }
  try {
    const host = await startControllerHost(definitions, { argv });
    host.lifecycle.exitOnSignals();
  } catch (error) {
    if (
      error instanceof ConfigError ||
      error instanceof BusConfigError ||
      error instanceof ArtifactConfigError
    ) {
      console.error((error as Error).message);
      process.exit(2);
    }
    throw error;
  }
}
