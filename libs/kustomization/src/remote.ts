// spec.kubeConfig.secretRef (kustomize.md §8): a remote cluster's client from a kubeconfig in a
// Secret of the Kustomization's namespace (key `key`, else `value`, else `value.yaml`). Clients
// are cached per Secret content, so reconciles reuse connections until the Secret changes.
import { createHash } from 'node:crypto';
import { SECRETS, isNotFound, KubeClient, type ApiObject } from '@flotilla/runtime';

export class RemoteClusterError extends Error {
  readonly code = 'REMOTE_KUBECONFIG_INVALID';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RemoteClusterError';
  }
}

const clients = new Map<string, KubeClient>();
const MAX_CACHED = 100;

export async function remoteClient(
  local: KubeClient,
  namespace: string,
  ref: { name: string; key?: string },
): Promise<KubeClient> {
  let secret: ApiObject;
  try {
    secret = await local.get(SECRETS, namespace, ref.name);
  } catch (error) {
    if (isNotFound(error))
      throw new RemoteClusterError(`kubeconfig Secret '${namespace}/${ref.name}' not found`);
    throw error;
  }
  const data = (secret.data ?? {}) as Record<string, string>;
  const keys = ref.key ? [ref.key] : ['value', 'value.yaml'];
  const encoded = keys.map((k) => data[k]).find((v) => v !== undefined);
  if (encoded === undefined)
    throw new RemoteClusterError(
      `kubeconfig Secret '${namespace}/${ref.name}' has no key ${keys.map((k) => `'${k}'`).join(' or ')}`,
    );
  const text = Buffer.from(encoded, 'base64').toString('utf8');
  if (/^\s*exec:/m.test(text))
    throw new RemoteClusterError(
      `kubeconfig in Secret '${namespace}/${ref.name}' uses an exec plugin, which is not allowed`,
    );
  const cacheKey = createHash('sha256').update(text).digest('hex');
  let client = clients.get(cacheKey);
  if (!client) {
    try {
      client = KubeClient.create({ source: { text }, userAgent: 'kustomize-controller/0.1.0 (flotilla)' });
    } catch (error) {
      throw new RemoteClusterError(
        `invalid kubeconfig in Secret '${namespace}/${ref.name}': ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (clients.size >= MAX_CACHED) {
      const [oldest] = clients.entries();
      if (oldest) {
        oldest[1].close();
        clients.delete(oldest[0]);
      }
    }
    clients.set(cacheKey, client);
  }
  return client;
}
