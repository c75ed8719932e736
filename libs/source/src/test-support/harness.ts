// A source-controller for integration tests: the Kubernetes API-server double with the source
// CRDs, reached through a kubeconfig file, a controller host with a filesystem artifact store,
// and the artifact server on a free port.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crdFor, findKind } from '@flotilla/api';
import type { EventBus } from '@flotilla/bus';
import {
  KubeClient,
  startControllerHost,
  type ApiObject,
  type ControllerHost,
  type ResourceType,
} from '@flotilla/runtime';
import { makeTempDir, removeDir, startKubeApi, type KubeApiServer } from '@flotilla/testing';
import { SOURCE_OPTIONS, type SourceConfig } from '../config.js';
import { startSourceController, type SourceController } from '../controller.js';
import { SECRETS, SOURCE_RESOURCES, type SourceObject } from '../source-object.js';
import { readChartFromArchive } from './chart-archive.js';

const NAMESPACES: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  namespaced: false,
};

export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  observedGeneration?: number;
}

export interface SourceHarness {
  readonly kube: KubeApiServer;
  readonly client: KubeClient;
  readonly host: ControllerHost;
  readonly source: SourceController;
  readonly bus: EventBus;
  readonly dir: string;
  namespace(): Promise<string>;
  create<T extends ApiObject>(kind: keyof typeof SOURCE_RESOURCES, obj: T): Promise<T>;
  get(kind: keyof typeof SOURCE_RESOURCES, namespace: string, name: string): Promise<SourceObject>;
  patchSpec(
    kind: keyof typeof SOURCE_RESOURCES,
    namespace: string,
    name: string,
    spec: Record<string, unknown>,
  ): Promise<void>;
  annotate(
    kind: keyof typeof SOURCE_RESOURCES,
    namespace: string,
    name: string,
    annotations: Record<string, string>,
  ): Promise<void>;
  secret(namespace: string, name: string, data: Record<string, string>, type?: string): Promise<void>;
  /** Polls until `accept` holds for the object; returns it. */
  waitFor(
    kind: keyof typeof SOURCE_RESOURCES,
    namespace: string,
    name: string,
    accept: (obj: SourceObject) => boolean,
    timeoutMs?: number,
  ): Promise<SourceObject>;
  close(): Promise<void>;
}

export function conditionOf(obj: SourceObject, type: string): Condition | undefined {
  const conditions = (obj.status?.conditions ?? []) as Condition[];
  return conditions.find((c) => c.type === type);
}

export const isReady = (obj: SourceObject): boolean =>
  conditionOf(obj, 'Ready')?.status === 'True' && obj.status?.observedGeneration === obj.metadata?.generation;

/** The condition `type` is True. */
export const conditionTrue =
  (type: string) =>
  (obj: SourceObject): boolean =>
    conditionOf(obj, type)?.status === 'True';

/** Ready=False with `reason` (the failure reason) after at least one attempt. */
export const failedWith =
  (reason: string) =>
  (obj: SourceObject): boolean =>
    conditionOf(obj, 'Ready')?.status === 'False' && conditionOf(obj, 'Ready')?.reason === reason;

const quiet = { write: () => undefined };

export interface HarnessOptions {
  /** Use this NATS server instead of the in-process bus. */
  natsUrl?: string;
}

export async function startSourceHarness(
  config: Partial<SourceConfig> = {},
  options: HarnessOptions = {},
): Promise<SourceHarness> {
  const dir = await makeTempDir('source-harness');
  const crds = Object.keys(SOURCE_RESOURCES).map((kind) => {
    const spec = findKind('source.toolkit.fluxcd.io', kind);
    if (!spec) throw new Error(`${kind} missing from @flotilla/api`);
    return crdFor(spec) as unknown as Record<string, unknown>;
  });
  const kube = await startKubeApi({ crds });
  const kubeconfigPath = join(dir, 'kubeconfig');
  await writeFile(kubeconfigPath, kube.kubeconfig(), { mode: 0o600 });
  const client = KubeClient.create({ source: { text: kube.kubeconfig() }, qps: 0 });
  let source: SourceController | undefined;
  const defaults = Object.fromEntries(
    Object.entries(SOURCE_OPTIONS).map(([key, option]) => [key, option.default]),
  ) as SourceConfig;
  const host = await startControllerHost(
    [
      {
        name: 'source-controller',
        start: async (context) => {
          source = await startSourceController(context, {
            config: { ...defaults, storageAddr: '127.0.0.1:0', ...config },
          });
        },
      },
    ],
    {
      argv: [
        '--health-addr=127.0.0.1:0',
        '--metrics-addr=127.0.0.1:0',
        `--kubeconfig=${kubeconfigPath}`,
        '--min-retry-delay=200ms',
        '--max-retry-delay=2s',
        '--requeue-dependency=500ms',
      ],
      env: {
        FLOTILLA_ARTIFACTS_DIR: join(dir, 'artifacts'),
        FLOTILLA_ARTIFACTS_GC_TTL: '1m',
        ...(options.natsUrl ? { FLOTILLA_NATS_URL: options.natsUrl } : {}),
      },
      logDestination: quiet,
    },
  );
  const resource = (kind: keyof typeof SOURCE_RESOURCES) => SOURCE_RESOURCES[kind];
  const harness: SourceHarness = {
    kube,
    client,
    host,
    source: source as unknown as SourceController,
    bus: host.bus,
    dir,
    namespace: async () => {
      const name = `src-${Math.random().toString(16).slice(2, 10)}`;
      await client.create(NAMESPACES, { metadata: { name } });
      return name;
    },
    create: (kind, obj) => client.create(resource(kind), obj),
    get: (kind, namespace, name) => client.get<SourceObject>(resource(kind), namespace, name),
    patchSpec: async (kind, namespace, name, spec) => {
      await client.patch(resource(kind), { namespace, name }, { spec });
    },
    annotate: async (kind, namespace, name, annotations) => {
      await client.patch(resource(kind), { namespace, name }, { metadata: { annotations } });
    },
    secret: async (namespace, name, data, type = 'Opaque') => {
      const encoded = Object.fromEntries(
        Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
      );
      await client.create(SECRETS, { metadata: { name, namespace }, type, data: encoded });
    },
    waitFor: async (kind, namespace, name, accept, timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs;
      let last: SourceObject | undefined;
      for (;;) {
        last = await client.get<SourceObject>(resource(kind), namespace, name);
        if (accept(last)) return last;
        if (Date.now() > deadline)
          throw new Error(
            `timed out waiting for ${kind} ${namespace}/${name}; status: ${JSON.stringify(last.status)}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: async () => {
      await host.lifecycle.shutdown('test');
      client.close();
      await kube.close();
      await removeDir(dir);
    },
  };
  return harness;
}

/** Reads an artifact over the artifact server. */
export async function download(url: string): Promise<Buffer> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/** A source.toolkit.fluxcd.io/v1 object of `kind` as the tests create it. */
export function sourceManifest(
  kind: keyof typeof SOURCE_RESOURCES,
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
) {
  return { apiVersion: 'source.toolkit.fluxcd.io/v1', kind, metadata: { name, namespace }, spec };
}

/** The sorted paths inside an object's stored artifact (a tarball), read over the artifact server. */
export async function artifactFiles(obj: SourceObject): Promise<string[]> {
  const artifact = obj.status?.artifact as { url: string };
  return [...(await readChartFromArchive(await download(artifact.url))).keys()].sort();
}
