// The configuration API moved to @flotilla/config; re-exported so existing callers keep working.
export {
  ConfigError,
  describeOptions,
  envName,
  formatDuration,
  loadConfig,
  optionsMarkdown,
  parseAddress,
  parseDuration,
  type ConfigValues,
  type ListenAddress,
  type OptionSpec,
  type OptionTable,
  type OptionType,
} from '@flotilla/config';
export * from './logger.js';
export * from './health.js';
export * from './lifecycle.js';
export * from './controller-host.js';
export * from './queue/clock.js';
export * from './queue/backoff.js';
export * from './queue/work-queue.js';
export * from './metrics/runtime-metrics.js';
export * from './kube/resource.js';
export * from './kube/errors.js';
export * from './kube/rate-limiter.js';
export * from './kube/kubeconfig.js';
export * from './kube/client.js';
export * from './kube/store.js';
export * from './kube/informer.js';
export * from './kube/shared-informers.js';
export * from './events/recorder.js';
export * from './reconcile/conditions.js';
export * from './reconcile/kstatus.js';
export * from './reconcile/errors.js';
export * from './reconcile/summary.js';
export * from './reconcile/status-patch.js';
export * from './reconcile/definition.js';
export * from './reconcile/run.js';
export * from './reconcile/controller.js';
export * from './reconcile/start.js';
