// Where the controller's cluster credentials come from, in controller-runtime's order:
// the --kubeconfig flag, $KUBECONFIG, the in-cluster service account, ~/.kube/config.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeConfigError } from './errors.js';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface KubeConfigSource {
  /** kubeconfig file (Flux's --kubeconfig). */
  path?: string;
  /** kubeconfig content, e.g. rendered by a test double. */
  text?: string;
  /** Context to use instead of current-context. */
  context?: string;
  /** Environment to read KUBECONFIG, KUBERNETES_SERVICE_HOST/PORT and HOME from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Directory prefix of the service account files (tests point it at a temporary directory). */
  serviceAccountRoot?: string;
}

export type KubeConfigOrigin = 'text' | 'path' | 'KUBECONFIG' | 'in-cluster' | 'home';

function loadFiles(kc: KubeConfig, files: string[]): void {
  const [first, ...rest] = files;
  if (!first) return;
  kc.loadFromFile(first);
  for (const file of rest) {
    const extra = new KubeConfig();
    extra.loadFromFile(file);
    kc.mergeConfig(extra, true);
  }
}

/** The service account kubeconfig; the token file is re-read by client-node, so rotation works. */
function loadInCluster(kc: KubeConfig, env: NodeJS.ProcessEnv, root: string): void {
  const host = env.KUBERNETES_SERVICE_HOST ?? '';
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  const dir = `${root}${SERVICE_ACCOUNT_DIR}`;
  const tokenFile = join(dir, 'token');
  if (!existsSync(tokenFile))
    throw new KubeConfigError(`in-cluster: service account token ${tokenFile} not found`);
  const namespaceFile = join(dir, 'namespace');
  const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : undefined;
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  kc.loadFromOptions({
    clusters: [{ name: 'in-cluster', server, caFile: join(dir, 'ca.crt'), skipTLSVerify: false }],
    users: [{ name: 'service-account', authProvider: { name: 'tokenFile', config: { tokenFile } } }],
    contexts: [{ name: 'in-cluster', cluster: 'in-cluster', user: 'service-account', namespace }],
    currentContext: 'in-cluster',
  });
}

function loadFirstAvailable(kc: KubeConfig, source: KubeConfigSource): KubeConfigOrigin {
  const env = source.env ?? process.env;
  if (source.text !== undefined) {
    kc.loadFromString(source.text);
    return 'text';
  }
  if (source.path) {
    kc.loadFromFile(source.path);
    return 'path';
  }
  const fromEnv = (env.KUBECONFIG ?? '').split(delimiter).filter((file) => file !== '');
  if (fromEnv.length > 0) {
    loadFiles(kc, fromEnv);
    return 'KUBECONFIG';
  }
  if (env.KUBERNETES_SERVICE_HOST) {
    loadInCluster(kc, env, source.serviceAccountRoot ?? '');
    return 'in-cluster';
  }
  const home = join(env.HOME ?? homedir(), '.kube', 'config');
  if (existsSync(home)) {
    kc.loadFromFile(home);
    return 'home';
  }
  throw new KubeConfigError(
    'no Kubernetes configuration: pass --kubeconfig, set KUBECONFIG, run in a pod, or create ~/.kube/config',
  );
}

/** Loads a kubeconfig; throws KubeConfigError when none is found or it names no usable cluster. */
export function loadKubeConfig(source: KubeConfigSource = {}): {
  kubeConfig: KubeConfig;
  origin: KubeConfigOrigin;
} {
  const kc = new KubeConfig();
  let origin: KubeConfigOrigin;
  try {
    origin = loadFirstAvailable(kc, source);
    if (source.context) kc.setCurrentContext(source.context);
  } catch (error) {
    if (error instanceof KubeConfigError) throw error;
    throw new KubeConfigError(`cannot load kubeconfig: ${(error as Error).message}`, { cause: error });
  }
  if (source.context && !kc.getContextObject(source.context))
    throw new KubeConfigError(`kubeconfig has no context '${source.context}'`);
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server)
    throw new KubeConfigError(`kubeconfig (${origin}) has no current cluster with a server`);
  return { kubeConfig: kc, origin };
}
