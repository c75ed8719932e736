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
import {
  ConfigError,
  describeOptions,
  loadConfig,
  type ConfigValues,
  type OptionTable,
} from '@flotilla/config';
import type { Registry } from 'prom-client';
import { createMetricsRegistry, startHealthServer, type HealthServer } from './health.js';
import { KubeClient } from './kube/client.js';
import { KubeConfigError } from './kube/errors.js';
import { loadKubeConfig } from './kube/kubeconfig.js';
import { SharedInformers } from './kube/shared-informers.js';
import { Lifecycle } from './lifecycle.js';
import { createLogger, type LogEncoding, type Logger, type LogLevel } from './logger.js';
import { runtimeMetrics } from './metrics/runtime-metrics.js';
import type { ControllerSettings } from './reconcile/controller.js';

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
  kubeconfig: {
    flag: 'kubeconfig',
    type: 'string',
    default: '',
    description:
      'Kubeconfig file; empty: $KUBECONFIG, then the in-cluster service account, then ~/.kube/config.',
  },
  kubeApiQps: {
    flag: 'kube-api-qps',
    type: 'integer',
    min: 0,
    default: 50,
    description: 'Requests per second to the Kubernetes API (0: unlimited).',
  },
  kubeApiBurst: {
    flag: 'kube-api-burst',
    type: 'integer',
    min: 1,
    default: 300,
    description: 'Requests allowed in a burst above --kube-api-qps.',
  },
  concurrent: {
    flag: 'concurrent',
    type: 'integer',
    min: 1,
    default: 4,
    description: 'Objects of one kind reconciled in parallel.',
  },
  watchAllNamespaces: {
    flag: 'watch-all-namespaces',
    type: 'boolean',
    default: true,
    description: 'Watch every namespace; false: only $RUNTIME_NAMESPACE.',
  },
  watchLabelSelector: {
    flag: 'watch-label-selector',
    type: 'string',
    default: '',
    description:
      'Only reconcile objects matching this label selector (sharding, e.g. sharding.fluxcd.io/key=shard1).',
  },
  minRetryDelay: {
    flag: 'min-retry-delay',
    type: 'duration',
    default: 750,
    description: 'First retry delay after a failed reconcile (doubles per failure).',
  },
  maxRetryDelay: {
    flag: 'max-retry-delay',
    type: 'duration',
    default: 900_000,
    description: 'Longest retry delay after failed reconciles.',
  },
  intervalJitterPercentage: {
    flag: 'interval-jitter-percentage',
    type: 'integer',
    min: 0,
    max: 99,
    default: 5,
    description: 'Random ± percentage applied to spec.interval requeues.',
  },
  requeueDependency: {
    flag: 'requeue-dependency',
    type: 'duration',
    default: 30_000,
    description: 'Retry period while a dependency or source is not ready.',
  },
} satisfies OptionTable;

export type HostConfig = ConfigValues<typeof HOST_OPTIONS>;

/** The controller flags of a host configuration, as the reconcile runtime takes them. */
export function controllerSettingsOf(
  config: HostConfig,
  env: NodeJS.ProcessEnv = process.env,
): ControllerSettings {
  return {
    concurrent: config.concurrent,
    minRetryDelayMs: config.minRetryDelay,
    maxRetryDelayMs: config.maxRetryDelay,
    intervalJitterPercentage: config.intervalJitterPercentage,
    requeueDependencyMs: config.requeueDependency,
    watchLabelSelector: config.watchLabelSelector,
    watchNamespace: config.watchAllNamespaces ? undefined : (env.RUNTIME_NAMESPACE ?? 'flux-system'),
    gracefulShutdownTimeoutMs: config.gracefulShutdownTimeout,
  };
}

export interface ControllerContext {
  readonly name: ControllerName;
  readonly logger: Logger;
  readonly metrics: Registry;
  readonly bus: EventBus;
  readonly artifacts: ArtifactStore;
  readonly health: HealthServer;
  /** Register cleanup; runs on SIGTERM before the bus and store close. */
  onShutdown(name: string, run: () => Promise<void> | void): void;
  /**
   * Kubernetes client of this controller (field manager = its name), from --kubeconfig,
   * $KUBECONFIG, the in-cluster service account or ~/.kube/config; created on first use and
   * throwing KubeConfigError when there is none.
   */
  readonly kube: KubeClient;
  /** Informer caches shared by the controllers of this process; created on first use. */
  readonly informers: SharedInformers;
  /** Controller flags: concurrency, retry delays, interval jitter, shard selector. */
  readonly settings: ControllerSettings;
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

interface KubeAccessOptions {
  config: HostConfig;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  metrics: Registry;
  lifecycle: Lifecycle;
}

/** Kubernetes clients and informers, made on first use so hosts without Kubernetes still start. */
function kubeAccess(options: KubeAccessOptions) {
  let loaded: ReturnType<typeof loadKubeConfig> | undefined;
  let informers: SharedInformers | undefined;
  const clients = new Map<string, KubeClient>();
  const client = (userAgentProduct: string): KubeClient => {
    let existing = clients.get(userAgentProduct);
    if (existing) return existing;
    loaded ??= loadKubeConfig({ path: options.config.kubeconfig || undefined, env: options.env });
    existing = KubeClient.create({
      kubeConfig: loaded.kubeConfig,
      qps: options.config.kubeApiQps,
      burst: options.config.kubeApiBurst,
      userAgent: `${userAgentProduct}/0.1.0 (flotilla)`,
      metrics: runtimeMetrics(options.metrics),
    });
    clients.set(userAgentProduct, existing);
    const created = existing;
    options.lifecycle.onShutdown(`kube client ${userAgentProduct}`, () => created.close());
    return created;
  };
  return {
    client,
    informers: (): SharedInformers => {
      if (!informers) {
        const shared = new SharedInformers({
          client: client('flotilla'),
          logger: options.logger.child({ logger: 'informers' }),
        });
        options.lifecycle.onShutdown('informers', () => shared.stopAll());
        informers = shared;
      }
      return informers;
    },
  };
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
  // One pino instance per name: a child binding would repeat the `logger` key in each line.
  const loggerFor = (name: string) =>
    createLogger({
      name,
      level: config.logLevel,
      encoding: config.logEncoding,
      destination: options.logDestination,
    });
  const logger = loggerFor(processName);
  const lifecycle = new Lifecycle(logger, config.gracefulShutdownTimeout);
  const metrics = createMetricsRegistry();
  const health = await startHealthServer({
    healthAddr: config.healthAddr,
    metricsAddr: config.metricsAddr,
    registry: metrics,
  });
  lifecycle.onShutdown('health server', () => health.close());
  // Not ready while controllers are still starting (a SIGTERM then would find no handler yet);
  // registered with the health server, so the store and bus opening are covered too.
  let controllersStarted = false;
  health.addReadinessCheck('controllers', () => {
    if (!controllersStarted) throw new Error('controllers are starting');
  });
  try {
    const artifacts = await openArtifactStore(storeConfig, { logger });
    lifecycle.onShutdown('artifact store', () => artifacts.close());
    health.addReadinessCheck(
      'artifact-store',
      async () => void (await artifacts.list({ kind: 'flotilla', namespace: 'health', name: 'probe' })),
    );
    const bus = await openBus(env, logger, metrics);
    lifecycle.onShutdown('event bus', () => bus.close());
    const kube = kubeAccess({ config, env, logger, metrics, lifecycle });
    const settings = controllerSettingsOf(config, env);
    for (const definition of definitions) {
      const context: ControllerContext = {
        name: definition.name,
        logger: definitions.length === 1 ? logger : loggerFor(definition.name),
        metrics,
        bus,
        artifacts,
        health,
        onShutdown: (name, run) => lifecycle.onShutdown(`${definition.name}: ${name}`, run),
        get kube() {
          return kube.client(definition.name);
        },
        get informers() {
          return kube.informers();
        },
        settings,
      };
      await definition.start?.(context);
    }
    controllersStarted = true;
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
      error instanceof ArtifactConfigError ||
      error instanceof KubeConfigError
    ) {
      console.error((error as Error).message);
      process.exit(2);
    }
    throw error;
  }
}
