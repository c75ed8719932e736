// Settings of the source-controller beyond the host's: where the artifact server listens and
// which address it advertises in status.artifact.url (Flux's --storage-addr / --storage-adv-addr),
// and Flux's Helm size caps. Read from FLOTILLA_* variables (the host owns the command line).
import { loadConfig, type ConfigValues, type Env, type OptionTable } from '@flotilla/config';

export const SOURCE_OPTIONS = {
  storageAddr: {
    flag: 'storage-addr',
    type: 'address',
    default: '127.0.0.1:9090',
    description: 'Listen address of the artifact HTTP server (containers use :9090).',
  },
  storageAdvAddr: {
    flag: 'storage-adv-addr',
    type: 'string',
    default: '',
    description:
      'host[:port] put in status.artifact.url; empty: the listen address (use the Service name in a cluster).',
  },
  helmIndexMaxSize: {
    flag: 'helm-index-max-size',
    type: 'integer',
    min: 1,
    default: 50 * 1024 * 1024,
    description: 'Largest Helm repository index.yaml accepted, in bytes.',
  },
  helmChartMaxSize: {
    flag: 'helm-chart-max-size',
    type: 'integer',
    min: 1,
    default: 10 * 1024 * 1024,
    description: 'Largest Helm chart archive accepted, in bytes.',
  },
  helmCacheTtl: {
    flag: 'helm-cache-ttl',
    type: 'duration',
    default: 15 * 60_000,
    description: 'How long a parsed Helm index stays in memory after its last use.',
  },
  helmCacheMaxSize: {
    flag: 'helm-cache-max-size',
    type: 'integer',
    min: 0,
    default: 10,
    description: 'Parsed Helm indexes kept in memory (0: no cache).',
  },
} satisfies OptionTable;

export type SourceConfig = ConfigValues<typeof SOURCE_OPTIONS>;

/** The source-controller settings; throws ConfigError listing every bad value. */
export function loadSourceConfig(env: Env = process.env): SourceConfig {
  return loadConfig(SOURCE_OPTIONS, [], env);
}
