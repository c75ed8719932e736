// End-to-end harness: the API-server double (kubelet simulator on, Flux source and Kustomization
// CRDs installed), real NATS, real S3 (s3rver), and the kustomize-controller in a controller host
// reached through a kubeconfig. Sources are played by the test: it packs files into the store,
// writes the GitRepository status through the double and announces the artifact on NATS, as
// source-controller does.
import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crdFor, findKind } from '@flotilla/api';
import {
  openArtifactStore,
  packEntries,
  readArtifactStoreConfig,
  type ArtifactStore,
} from '@flotilla/artifacts';
import { createNatsBus, type EventBus } from '@flotilla/bus';
import { pino } from 'pino';
import {
  findCondition,
  isConflict,
  KubeClient,
  startControllerHost,
  type ApiObject,
  type Condition,
  type ControllerHost,
  type ResourceType,
} from '@flotilla/runtime';
import {
  makeTempDir,
  removeDir,
  startKubeApi,
  startNatsServer,
  startS3Server,
  type KubeApiServer,
  type KubeApiServerOptions,
  type RunningNatsServer,
  type RunningS3Server,
} from '@flotilla/testing';
import {
  startKustomizeController,
  type KustomizeController,
  type KustomizeControllerOptions,
} from '../controller.js';
import { KUSTOMIZATIONS, type KustomizationObject } from '../spec.js';

export const GIT_REPOSITORIES: ResourceType = {
  group: 'source.toolkit.fluxcd.io',
  version: 'v1',
  kind: 'GitRepository',
  plural: 'gitrepositories',
  namespaced: true,
};
export const NAMESPACES: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  namespaced: false,
};
export const CONFIG_MAPS: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  namespaced: true,
};
export const SECRETS: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Secret',
  plural: 'secrets',
  namespaced: true,
};
export const SERVICES: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Service',
  plural: 'services',
  namespaced: true,
};
export const SERVICE_ACCOUNTS: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  namespaced: true,
};
export const DEPLOYMENTS: ResourceType = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  namespaced: true,
};

export function fluxCrds(kinds = ['GitRepository', 'OCIRepository', 'Bucket', 'Kustomization']): ApiObject[] {
  return kinds.map((kind) => {
    const group = kind === 'Kustomization' ? 'kustomize.toolkit.fluxcd.io' : 'source.toolkit.fluxcd.io';
    const spec = findKind(group, kind);
    if (!spec) throw new Error(`${kind} missing from @flotilla/api`);
    return crdFor(spec) as unknown as ApiObject;
  });
}

export interface HarnessOptions {
  controller?: KustomizeControllerOptions;
  kube?: Omit<KubeApiServerOptions, 'crds' | 'kubelet'>;
  /** Extra host flags, e.g. --requeue-dependency=1h to prove event-driven dependencies. */
  argv?: string[];
  extraCrds?: ApiObject[];
}

export interface Harness {
  readonly kube: KubeApiServer;
  readonly admin: KubeClient;
  readonly nats: RunningNatsServer;
  readonly store: ArtifactStore;
  readonly bus: EventBus;
  readonly host: ControllerHost;
  readonly controller: KustomizeController;
  namespace(prefix?: string): Promise<string>;
  /** Packs `files` as a new revision of GitRepository ns/name and announces it; returns the revision. */
  publish(
    namespace: string,
    name: string,
    files: Record<string, string>,
    options?: { announce?: boolean },
  ): Promise<string>;
  createKustomization(
    namespace: string,
    name: string,
    spec: Record<string, unknown>,
    apiVersion?: string,
  ): Promise<void>;
  getKustomization(namespace: string, name: string): Promise<KustomizationObject>;
  waitForKustomization(
    namespace: string,
    name: string,
    accept: (obj: KustomizationObject) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<KustomizationObject>;
  close(): Promise<void>;
}

export function readyCondition(obj: ApiObject): Condition | undefined {
  return findCondition((obj.status as { conditions?: Condition[] } | undefined)?.conditions, 'Ready');
}

export function conditionOf(obj: ApiObject, type: string): Condition | undefined {
  return findCondition((obj.status as { conditions?: Condition[] } | undefined)?.conditions, type);
}

/** Ready=True at the given revision, for the current generation. */
export const readyAt = (revision: string) => (obj: KustomizationObject) =>
  readyCondition(obj)?.status === 'True' &&
  obj.status?.lastAppliedRevision === revision &&
  obj.status?.observedGeneration === obj.metadata?.generation;

export const failedWith = (reason: string) => (obj: KustomizationObject) =>
  readyCondition(obj)?.status === 'False' && readyCondition(obj)?.reason === reason;

export async function waitFor<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    try {
      last = await read();
      if (accept(last)) return last;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last, null, 1)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const quiet = { write: () => undefined };

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const [nats, s3, kube] = await Promise.all([
    startNatsServer(),
    startS3Server({ bucket: 'artifacts' }),
    startKubeApi({
      ...options.kube,
      crds: [...fluxCrds(), ...(options.extraCrds ?? [])],
      kubelet: { delayMs: 50 },
    }),
  ]);
  const dir = await makeTempDir('kustomization-e2e');
  const kubeconfigPath = join(dir, 'kubeconfig');
  await writeFile(kubeconfigPath, kube.kubeconfig(), { mode: 0o600 });
  const env: NodeJS.ProcessEnv = {
    FLOTILLA_NATS_URL: nats.url,
    FLOTILLA_ARTIFACTS_BACKEND: 's3',
    FLOTILLA_S3_ENDPOINT: s3.endpoint,
    FLOTILLA_S3_BUCKET: 'artifacts',
    FLOTILLA_S3_ACCESS_KEY_ID: s3.accessKeyId,
    FLOTILLA_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
  };
  const store = await openArtifactStore(readArtifactStoreConfig(env));
  const bus = await createNatsBus({ servers: [nats.url] }, { logger: pino({ level: 'silent' }) });
  let controller: KustomizeController | undefined;
  const host = await startControllerHost(
    [
      {
        name: 'kustomize-controller',
        start: async (context) => {
          controller = await startKustomizeController(context, { healthPollMs: 200, ...options.controller });
        },
      },
    ],
    {
      argv: [
        '--health-addr=127.0.0.1:0',
        '--metrics-addr=127.0.0.1:0',
        `--kubeconfig=${kubeconfigPath}`,
        '--concurrent=4',
        '--kube-api-qps=0',
        ...(options.argv ?? []),
      ],
      env,
      logDestination: process.env.FLOTILLA_TEST_LOGS ? undefined : quiet,
    },
  );
  if (!controller) throw new Error('kustomize-controller did not start');
  await controller.subscribed;
  const admin = KubeClient.create({ source: { text: kube.kubeconfig() }, qps: 0 });
  return harnessApi({ kube, admin, nats, s3, store, bus, host, controller, dir });
}

function harnessApi(parts: {
  kube: KubeApiServer;
  admin: KubeClient;
  nats: RunningNatsServer;
  s3: RunningS3Server;
  store: ArtifactStore;
  bus: EventBus;
  host: ControllerHost;
  controller: KustomizeController;
  dir: string;
}): Harness {
  const { admin, store, bus } = parts;
  const getKustomization = (namespace: string, name: string) =>
    admin.get<KustomizationObject>(KUSTOMIZATIONS, namespace, name);
  return {
    ...parts,
    namespace: async (prefix = 'ks') => {
      const name = `${prefix}-${randomBytes(4).toString('hex')}`;
      await admin.create(NAMESPACES, { metadata: { name } });
      return name;
    },
    publish: async (namespace, name, files, publishOptions = {}) => {
      const sha = createHash('sha1').update(JSON.stringify(files)).update(randomBytes(8)).digest('hex');
      const revision = `main@sha1:${sha}`;
      const path = `gitrepository/${namespace}/${name}/${sha}.tar.gz`;
      const stored = await store.put(path, packEntries(files));
      await ensureGitRepository(admin, namespace, name);
      const artifact = {
        path,
        url: `http://source-controller.flux-system.svc.cluster.local./${path}`,
        revision,
        digest: stored.digest,
        lastUpdateTime: stored.lastUpdateTime.toISOString().replace(/\.\d+Z$/, 'Z'),
        size: stored.size,
      };
      await admin.patch(
        GIT_REPOSITORIES,
        { namespace, name },
        { status: { artifact } },
        { subresource: 'status' },
      );
      if (publishOptions.announce !== false)
        await bus.announceArtifact({
          kind: 'GitRepository',
          namespace,
          name,
          revision,
          digest: stored.digest,
          storageKey: path,
          url: artifact.url,
        });
      return revision;
    },
    createKustomization: async (namespace, name, spec, apiVersion = 'kustomize.toolkit.fluxcd.io/v1') => {
      await admin.create(
        { ...KUSTOMIZATIONS, version: apiVersion.split('/')[1] ?? 'v1' },
        {
          apiVersion,
          kind: 'Kustomization',
          metadata: { name, namespace },
          spec: { interval: '10m', prune: true, ...spec },
        },
      );
    },
    getKustomization,
    waitForKustomization: (namespace, name, accept, what, timeoutMs) =>
      waitFor(() => getKustomization(namespace, name), accept, what, timeoutMs),
    close: async () => {
      await parts.host.lifecycle.shutdown('test');
      await bus.close();
      await store.close();
      admin.close();
      await Promise.all([parts.kube.close(), parts.nats.stop(), parts.s3.stop()]);
      await removeDir(parts.dir);
    },
  };
}

async function ensureGitRepository(admin: KubeClient, namespace: string, name: string): Promise<void> {
  try {
    await admin.create(GIT_REPOSITORIES, {
      metadata: { name, namespace },
      spec: { url: `https://example.com/${name}.git`, interval: '10m', ref: { branch: 'main' } },
    });
  } catch (error) {
    if (!isConflict(error)) throw error;
  }
}
