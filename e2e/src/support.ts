// What the end-to-end suites share: starting the built binaries as real processes, applying
// manifests the way `kubectl apply --server-side` does, and polling objects until a condition holds.
import { createHash } from 'node:crypto';
import { access, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  findCondition,
  isNotFound,
  KubeClient,
  type ApiObject,
  type Condition,
  type ResourceType,
} from '@flotilla/runtime';
import { LOOPBACK, freePort, startProcess, type ManagedProcess } from '@flotilla/testing';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const FLOTILLA_BIN = join(REPO_ROOT, 'libs', 'cli', 'dist', 'bin.js');
export const SOURCE_CONTROLLER_MAIN = join(REPO_ROOT, 'services', 'source-controller', 'dist', 'main.js');
export const KUSTOMIZE_CONTROLLER_MAIN = join(
  REPO_ROOT,
  'services',
  'kustomize-controller',
  'dist',
  'main.js',
);

export const GIT_REPOSITORY: ResourceType = {
  group: 'source.toolkit.fluxcd.io',
  version: 'v1',
  kind: 'GitRepository',
  plural: 'gitrepositories',
  namespaced: true,
};
export const KUSTOMIZATION: ResourceType = {
  group: 'kustomize.toolkit.fluxcd.io',
  version: 'v1',
  kind: 'Kustomization',
  plural: 'kustomizations',
  namespaced: true,
};
export const DEPLOYMENT: ResourceType = {
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  plural: 'deployments',
  namespaced: true,
};
export const SERVICE: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Service',
  plural: 'services',
  namespaced: true,
};
export const CONFIG_MAP: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  namespaced: true,
};
export const NAMESPACE: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  namespaced: false,
};

/** Fails early with a clear message when the binaries under test have not been built. */
export async function requireBuilt(...entries: string[]): Promise<void> {
  for (const entry of entries) {
    try {
      await access(entry);
    } catch {
      throw new Error(`${entry} is missing: run \`npm run build\` first (npm test does)`);
    }
  }
}

export interface ControllerProcess {
  readonly process: ManagedProcess;
  readonly healthUrl: string;
  /** http://127.0.0.1:PORT of the artifact server (source-controller only). */
  readonly storageUrl: string;
}

export interface StartOptions {
  entry: string;
  args?: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** How long /readyz may take to answer 200. */
  timeoutMs?: number;
}

/** Runs a built entry point with its own health, metrics and storage ports; resolves once /readyz is 200. */
export async function startController(options: StartOptions): Promise<ControllerProcess> {
  const [health, metrics, storage] = [await freePort(), await freePort(), await freePort()];
  // The caller's cluster and settings must not leak in: without KUBECONFIG `flotilla run` starts
  // its sandbox, without FLOTILLA_NATS_URL it uses the in-process bus.
  const inherited = Object.entries(process.env).filter(
    ([name]) => name !== 'KUBECONFIG' && !name.startsWith('FLOTILLA_'),
  );
  const env: NodeJS.ProcessEnv = { ...Object.fromEntries(inherited), ...options.env };
  env.FLOTILLA_STORAGE_ADDR = `${LOOPBACK}:${storage}`;
  const proc = startProcess(
    process.execPath,
    [
      '--openssl-legacy-provider',
      options.entry,
      ...(options.args ?? []),
      `--health-addr=${LOOPBACK}:${health}`,
      `--metrics-addr=${LOOPBACK}:${metrics}`,
    ],
    { cwd: options.cwd, env },
  );
  const healthUrl = `http://${LOOPBACK}:${health}`;
  try {
    await waitFor(`${healthUrl}/readyz`, options.timeoutMs ?? 30_000, async () => {
      if (proc.child.exitCode !== null) throw new Error(`exited with ${proc.child.exitCode}`);
      return (await fetch(`${healthUrl}/readyz`).catch(() => undefined))?.ok ? true : undefined;
    });
  } catch (error) {
    await proc.stop();
    throw new Error(`${options.entry} did not become ready: ${(error as Error).message}\n${proc.output()}`, {
      cause: error,
    });
  }
  return { process: proc, healthUrl, storageUrl: `http://${LOOPBACK}:${storage}` };
}

/** A kubeconfig file → client with no rate limit (the test is not the system under test). */
export async function clientFor(kubeconfigPath: string): Promise<KubeClient> {
  const text = await readFile(kubeconfigPath, 'utf8');
  return KubeClient.create({ source: { text }, qps: 0, userAgent: 'flotilla-e2e/0.1.0' });
}

/**
 * Applies a multi-document manifest with server-side apply, like `kubectl apply --server-side -f`.
 * Returns the applied objects.
 */
export async function applyManifests(kube: KubeClient, manifests: string): Promise<ApiObject[]> {
  const applied: ApiObject[] = [];
  for (const doc of parseAllDocuments(manifests)) {
    const object = doc.toJS() as ApiObject | null;
    if (!object) continue;
    const resource = await kube.resolve(object.apiVersion as string, object.kind as string);
    const name = object.metadata?.name as string;
    const namespace = resource.namespaced ? (object.metadata?.namespace ?? 'default') : undefined;
    applied.push(await kube.patch(resource, { namespace, name }, object, { type: 'apply', force: true }));
  }
  return applied;
}

/** The object, or undefined when the API answers 404. */
export async function getOrUndefined(
  kube: KubeClient,
  resource: ResourceType,
  namespace: string | undefined,
  name: string,
): Promise<ApiObject | undefined> {
  try {
    return await kube.get(resource, namespace, name);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Polls `probe` every 100 ms until it returns a value; rejects naming `what` after the timeout. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  describeLast?: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
      if ((error as Error).message.startsWith('exited with')) throw error;
    }
    if (Date.now() > deadline) {
      const detail = describeLast?.() ?? (lastError ? String(lastError) : 'no value');
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${detail}`);
    }
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 100));
  }
}

export function conditionOf(object: ApiObject | undefined, type: string): Condition | undefined {
  return findCondition((object?.status as { conditions?: Condition[] } | undefined)?.conditions, type);
}

/** Waits until the object's condition `type` (Ready by default) has `status` and, when given, `reason`. */
export async function waitForCondition(
  kube: KubeClient,
  target: { resource: ResourceType; namespace: string; name: string },
  expected: { type?: string; status: 'True' | 'False'; reason?: string },
  timeoutMs = 30_000,
): Promise<ApiObject> {
  let last: ApiObject | undefined;
  const type = expected.type ?? 'Ready';
  return waitFor(
    `${target.resource.kind} ${target.namespace}/${target.name} ${type}=${expected.status}`,
    timeoutMs,
    async () => {
      last = await getOrUndefined(kube, target.resource, target.namespace, target.name);
      const condition = conditionOf(last, type);
      // Ready=True must be of the current spec; failures and progress are reported before
      // observedGeneration moves.
      const observed =
        expected.status === 'False' ||
        type !== 'Ready' ||
        (last?.status as { observedGeneration?: number } | undefined)?.observedGeneration ===
          last?.metadata?.generation;
      if (!condition || condition.status !== expected.status || !observed) return undefined;
      if (expected.reason && condition.reason !== expected.reason) return undefined;
      return last;
    },
    () => JSON.stringify(last?.status ?? 'object not found'),
  );
}

/** sha256 of a byte buffer in Flux's digest notation. */
export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
