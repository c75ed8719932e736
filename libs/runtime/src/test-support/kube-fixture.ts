// A Kubernetes API for runtime tests, always reached through a kubeconfig: the in-process
// API-server double by default, or a real cluster when FLOTILLA_TEST_KUBECONFIG names a kubeconfig
// file (tests that need the double's fault injection are skipped there).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { crdFor, findKind } from '@flotilla/api';
import { startKubeApi, type KubeApiServer } from '@flotilla/testing';
import { KubeClient, type KubeClientOptions } from '../kube/client.js';
import { isConflict } from '../kube/errors.js';
import { CONFIG_MAPS, type ApiObject, type ResourceType } from '../kube/resource.js';

export const GIT_REPOSITORY: ResourceType = {
  group: 'source.toolkit.fluxcd.io',
  version: 'v1',
  kind: 'GitRepository',
  plural: 'gitrepositories',
  namespaced: true,
};

export { CONFIG_MAPS };

const NAMESPACES: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  namespaced: false,
};
const CRDS: ResourceType = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  plural: 'customresourcedefinitions',
  namespaced: false,
};

export interface KubeFixture {
  /** kubeconfig text every client is built from. */
  readonly kubeconfig: string;
  /** The double, when the tests run against it (fault injection, history compaction). */
  readonly server: KubeApiServer | undefined;
  client(options?: Omit<KubeClientOptions, 'source' | 'kubeConfig'>): KubeClient;
  /** A fresh namespace (never waited on for deletion). */
  namespace(prefix?: string): Promise<string>;
  close(): Promise<void>;
}

export const onRealCluster = Boolean(process.env.FLOTILLA_TEST_KUBECONFIG);

function gitRepositoryCrd(): ApiObject {
  const kind = findKind(GIT_REPOSITORY.group, GIT_REPOSITORY.kind);
  if (!kind) throw new Error('GitRepository kind missing from @flotilla/api');
  return crdFor(kind) as unknown as ApiObject;
}

async function installCrd(client: KubeClient): Promise<void> {
  try {
    await client.create(CRDS, gitRepositoryCrd());
  } catch (error) {
    if (!isConflict(error)) throw error;
  }
  const deadline = Date.now() + 30_000;
  for (;;) {
    const crd = await client.get<
      ApiObject & { status?: { conditions?: { type: string; status: string }[] } }
    >(CRDS, undefined, `${GIT_REPOSITORY.plural}.${GIT_REPOSITORY.group}`);
    if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return;
    if (Date.now() > deadline) throw new Error('GitRepository CRD not established');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function startKubeFixture(): Promise<KubeFixture> {
  let server: KubeApiServer | undefined;
  let kubeconfig: string;
  if (onRealCluster) {
    kubeconfig = readFileSync(process.env.FLOTILLA_TEST_KUBECONFIG as string, 'utf8');
  } else {
    server = await startKubeApi({ crds: [gitRepositoryCrd()] });
    kubeconfig = server.kubeconfig();
  }
  const clients: KubeClient[] = [];
  const client = (options: Omit<KubeClientOptions, 'source' | 'kubeConfig'> = {}): KubeClient => {
    const created = KubeClient.create({ ...options, source: { text: kubeconfig } });
    clients.push(created);
    return created;
  };
  const admin = client({ qps: 0 });
  if (onRealCluster) await installCrd(admin);
  return {
    kubeconfig,
    server,
    client,
    namespace: async (prefix = 'rt') => {
      const name = `${prefix}-${randomBytes(4).toString('hex')}`;
      await admin.create(NAMESPACES, { metadata: { name } });
      return name;
    },
    close: async () => {
      for (const c of clients) c.close();
      await server?.close();
    },
  };
}

export interface GitRepositoryObject extends ApiObject {
  spec: {
    url: string;
    interval: string;
    suspend?: boolean;
    retryInterval?: string;
    [field: string]: unknown;
  };
  status?: Record<string, unknown>;
}

export function gitRepository(
  namespace: string,
  name: string,
  spec: Partial<GitRepositoryObject['spec']> = {},
  metadata: Record<string, unknown> = {},
): GitRepositoryObject {
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name, namespace, ...metadata },
    spec: { url: 'https://example.com/podinfo.git', interval: '10m', ...spec },
  };
}

/** Polls `read` until `accept` holds (bounded); returns the accepted value. */
export async function waitFor<T>(
  read: () => Promise<T> | T,
  accept: (value: T) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await read();
    if (accept(last)) return last;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
