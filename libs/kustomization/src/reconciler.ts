// The Kustomization reconciler (kustomize.md §3) as small steps on @flotilla/runtime: spec and
// CEL rules, source, dependencies, fetch + build, apply, prune, health, success. Each step reads
// and writes the run's state; failures are typed errors whose reason becomes Ready's.
import { createHash, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArtifactStore } from '@flotilla/artifacts';
import { formatDuration, tryParseDuration } from '@flotilla/config';
import { buildAsync, KustomizeError } from '@flotilla/kustomize';
import {
  dependencyNotReady,
  findCondition,
  isNotFound,
  ReconcileError,
  StallingError,
  WaitingError,
  type ApiObject,
  type Condition,
  type FinalizeScope,
  type KubeClient,
  type ReconcilerDefinition,
  type ReconcileScope,
  type ResourceType,
} from '@flotilla/runtime';
import {
  ChangeSet,
  DeleteError,
  HealthCheckError,
  inventoryEntry,
  parseInventoryEntry,
  refOf,
  ResourceManager,
  SsaError,
  type HealthResult,
  type InventoryEntry,
  type ObjectRef,
} from '@flotilla/ssa';
import { stringify } from 'yaml';
import { fetchArtifact, resolveBuildPath, type SourceArtifact } from './artifact.js';
import { compile, compileHealthChecks, InvalidExpressionError, type Program } from './cel.js';
import { Decryptor, encryptedLeftovers, loadSopsKeys, type SopsDecrypt } from './decrypt.js';
import { prepareKustomization } from './generate.js';
import { HealthCheckCanceledError, HealthWaits } from './health-waits.js';
import { normalizeObjects } from './normalize.js';
import { loadVariables, substituteObjects } from './post-build.js';
import { gitRemoteLoader } from './remote-bases.js';
import { remoteClient } from './remote.js';
import {
  effectiveSpec,
  FIELD_MANAGER,
  GROUP,
  KUSTOMIZATIONS,
  OCI_REVISION_ANNOTATION,
  ORIGIN_REVISION_KEY,
  ownerLabels,
  REVISION_KEY,
  sourceKeyOf,
  timeoutOf,
  type KustomizationObject,
  type LegacyPatchSource,
} from './spec.js';
import type { KustomizationSpec } from '@flotilla/api';

export interface KustomizationReconcilerOptions {
  store: ArtifactStore;
  /** SOPS decryption; without it Kustomizations that need decryption fail with a clear message. */
  decrypt?: SopsDecrypt;
  /** --no-cross-namespace-refs: sourceRef must be in the Kustomization's namespace. */
  noCrossNamespaceRefs?: boolean;
  /** --default-service-account: impersonated when spec.serviceAccountName is empty. */
  defaultServiceAccount?: string;
  /** --no-remote-bases: git URLs in `resources` fail the build instead of being fetched. */
  noRemoteBases?: boolean;
  /** Health poll period (default 1 s; Flux polls every 5 s). */
  healthPollMs?: number;
  /** Where v1beta2/v1beta1 legacy patch fields are kept (see legacy.ts). */
  legacyPatches?: LegacyPatchSource;
  /** Running health waits, cancelled by newer revisions (shared with the triggers). */
  healthWaits?: HealthWaits;
}

/** What one reconcile learns step by step. */
interface RunState {
  startedAt: number;
  spec: KustomizationSpec;
  healthEvaluator?: (obj: ApiObject) => HealthResult | undefined;
  readyExprs: Map<number, Program>;
  artifact?: SourceArtifact;
  revision?: string;
  timeoutMs: number;
  client?: KubeClient;
  objects?: ApiObject[];
  digest?: string;
  inventory?: InventoryEntry[];
  applied?: ObjectRef[];
  changeSet: ChangeSet;
}

export const SOURCE_RESOURCES: Record<string, ResourceType> = {
  GitRepository: {
    group: 'source.toolkit.fluxcd.io',
    version: 'v1',
    kind: 'GitRepository',
    plural: 'gitrepositories',
    namespaced: true,
  },
  OCIRepository: {
    group: 'source.toolkit.fluxcd.io',
    version: 'v1',
    kind: 'OCIRepository',
    plural: 'ocirepositories',
    namespaced: true,
  },
  Bucket: {
    group: 'source.toolkit.fluxcd.io',
    version: 'v1',
    kind: 'Bucket',
    plural: 'buckets',
    namespaced: true,
  },
  ExternalArtifact: {
    group: 'source.toolkit.fluxcd.io',
    version: 'v1',
    kind: 'ExternalArtifact',
    plural: 'externalartifacts',
    namespaced: true,
  },
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function inventoryOf(obj: ApiObject): InventoryEntry[] {
  const inventory = (obj.status as { inventory?: { entries?: InventoryEntry[] } } | undefined)?.inventory;
  return inventory?.entries ?? [];
}

export class KustomizationReconciler {
  readonly healthWaits: HealthWaits;
  private readonly states = new WeakMap<object, RunState>();

  constructor(private readonly options: KustomizationReconcilerOptions) {
    this.healthWaits = options.healthWaits ?? new HealthWaits();
  }

  definition(): ReconcilerDefinition<KustomizationObject> {
    return {
      resource: KUSTOMIZATIONS,
      reportingController: FIELD_MANAGER,
      failureReason: 'ReconciliationFailed',
      retryInterval: (obj) => {
        const spec = obj.spec;
        return tryParseDuration(spec.retryInterval ?? spec.interval);
      },
      successEventMessage: ({ durationMs, nextRunMs }) =>
        `Reconciliation finished in ${formatDuration(Math.round(durationMs))}, next run in ${formatDuration(nextRunMs ?? 0)}`,
      steps: [
        { name: 'read spec', run: (scope) => this.readSpec(scope) },
        { name: 'resolve source', run: (scope) => this.resolveSource(scope) },
        { name: 'check dependencies', run: (scope) => this.checkDependencies(scope) },
        { name: 'build', run: (scope) => this.build(scope) },
        { name: 'apply', run: (scope) => this.withHistory(scope, () => this.apply(scope)) },
        { name: 'prune', run: (scope) => this.withHistory(scope, () => this.prune(scope)) },
        { name: 'health', run: (scope) => this.withHistory(scope, () => this.health(scope)) },
        { name: 'finish', run: (scope) => this.finish(scope) },
      ],
      finalize: (scope) => this.finalize(scope),
    };
  }

  /** Records a failed apply/prune/health in status.history before the error goes on. */
  private async withHistory(
    scope: ReconcileScope<KustomizationObject>,
    run: () => Promise<void>,
  ): Promise<void> {
    try {
      await run();
    } catch (error) {
      recordHistory(
        scope,
        this.state(scope),
        error instanceof ReconcileError ? error.reason : 'ReconciliationFailed',
      );
      throw error;
    }
  }

  private state(scope: ReconcileScope<KustomizationObject>): RunState {
    const state = this.states.get(scope);
    if (!state) throw new Error('reconcile state missing: read spec did not run');
    return state;
  }

  private async readSpec(scope: ReconcileScope<KustomizationObject>): Promise<void> {
    const spec = await effectiveSpec(scope.kube, scope.object, this.options.legacyPatches);
    const state: RunState = {
      startedAt: Date.now(),
      spec,
      readyExprs: new Map(),
      timeoutMs: timeoutOf(spec),
      changeSet: new ChangeSet(),
    };
    try {
      if (spec.healthCheckExprs?.length) state.healthEvaluator = compileHealthChecks(spec.healthCheckExprs);
      for (const [i, dep] of (spec.dependsOn ?? []).entries())
        if (dep.readyExpr) state.readyExprs.set(i, compile(dep.readyExpr, `dependsOn[${i}].readyExpr`));
    } catch (error) {
      if (error instanceof InvalidExpressionError)
        throw new StallingError('InvalidCELExpression', error.message);
      throw error;
    }
    this.states.set(scope, state);
  }

  private async resolveSource(scope: ReconcileScope<KustomizationObject>): Promise<void> {
    const state = this.state(scope);
    const key = sourceKeyOf(scope.object);
    const own = scope.object.metadata?.namespace ?? '';
    if (this.options.noCrossNamespaceRefs && key.namespace !== own)
      throw new StallingError(
        'AccessDenied',
        `cannot access ${key.kind}/${key.namespace}/${key.name}, cross-namespace references have been disabled`,
      );
    const resource = SOURCE_RESOURCES[key.kind];
    if (!resource) throw new StallingError('ArtifactFailed', `unsupported source kind '${key.kind}'`);
    let source: ApiObject;
    try {
      source = await scope.kube.get(resource, key.namespace, key.name);
    } catch (error) {
      if (isNotFound(error))
        throw new ReconcileError(
          'ArtifactFailed',
          `Source '${key.kind}/${key.namespace}/${key.name}' not found`,
        );
      throw error;
    }
    const artifact = (source.status as { artifact?: SourceArtifact } | undefined)?.artifact;
    if (!artifact?.path || !artifact.revision)
      throw new WaitingError(
        'ArtifactFailed',
        `Source artifact not found, retrying in ${formatDuration(30_000)}`,
        {
          requeueAfterMs: undefined,
        },
      );
    state.artifact = artifact;
    state.revision = artifact.revision;
    scope.eventMetadata[REVISION_KEY] = artifact.revision;
    const origin = artifact.metadata?.[OCI_REVISION_ANNOTATION];
    if (origin) scope.eventMetadata[ORIGIN_REVISION_KEY] = origin;
  }

  private async checkDependencies(scope: ReconcileScope<KustomizationObject>): Promise<void> {
    const state = this.state(scope);
    const own = scope.object.metadata?.namespace ?? '';
    for (const [index, dep] of (state.spec.dependsOn ?? []).entries()) {
      const namespace = dep.namespace ?? own;
      let dependency: KustomizationObject;
      try {
        dependency = await scope.kube.get<KustomizationObject>(KUSTOMIZATIONS, namespace, dep.name);
      } catch (error) {
        if (isNotFound(error))
          throw dependencyNotReady(`unable to get '${namespace}/${dep.name}' dependency: not found`);
        throw error;
      }
      const expr = state.readyExprs.get(index);
      const ready = expr
        ? readyByExpression(expr, scope.object, dependency)
        : this.dependencyReady(scope.object, dependency, state);
      if (!ready) throw dependencyNotReady(`dependency '${namespace}/${dep.name}' is not ready`);
    }
  }

  private dependencyReady(self: KustomizationObject, dep: KustomizationObject, state: RunState): boolean {
    const status = (dep.status ?? {}) as {
      observedGeneration?: number;
      conditions?: Condition[];
      lastAppliedRevision?: string;
    };
    if (status.observedGeneration !== dep.metadata?.generation) return false;
    if (findCondition(status.conditions, 'Ready')?.status !== 'True') return false;
    const a = sourceKeyOf(self);
    const b = sourceKeyOf(dep);
    const sameSource = a.kind === b.kind && a.namespace === b.namespace && a.name === b.name;
    return !sameSource || status.lastAppliedRevision === state.revision;
  }

  /** Fetches, unpacks and builds the revision; the temporary directory goes at the end. */
  private async build(scope: ReconcileScope<KustomizationObject>): Promise<void> {
    const state = this.state(scope);
    const revision = state.revision as string;
    await scope.progress(
      `Fetching manifests for revision ${revision} with a timeout of ${formatDuration(state.timeoutMs)}`,
    );
    scope.status.lastAttemptedRevision = revision;
    let fetched;
    try {
      fetched = await fetchArtifact(this.options.store, state.artifact as SourceArtifact);
    } catch (error) {
      throw new ReconcileError('ArtifactFailed', messageOf(error));
    }
    try {
      const dir = resolveBuildPath(fetched.root, state.spec.path);
      if (!dir)
        throw new ReconcileError('ArtifactFailed', `kustomization path not found: ${state.spec.path ?? '.'}`);
      state.client = await this.applyClient(scope, state);
      state.objects = await this.buildObjects(scope, state, dir, fetched.root);
      state.digest = `sha256:${createHash('sha256')
        .update(state.objects.map((o) => stringify(o)).join('---\n'))
        .digest('hex')}`;
    } finally {
      await fetched.dispose();
    }
  }

  private async applyClient(
    scope: ReconcileScope<KustomizationObject>,
    state: RunState,
  ): Promise<KubeClient> {
    const namespace = scope.object.metadata?.namespace ?? '';
    let client = scope.kube;
    const secretRef = state.spec.kubeConfig?.secretRef;
    if (secretRef) {
      try {
        client = await remoteClient(scope.kube, namespace, secretRef);
      } catch (error) {
        throw new ReconcileError('ReconciliationFailed', messageOf(error));
      }
    }
    const account = state.spec.serviceAccountName || this.options.defaultServiceAccount;
    return account ? client.forServiceAccount(namespace, account) : client;
  }

  private async buildObjects(
    scope: ReconcileScope<KustomizationObject>,
    state: RunState,
    dir: string,
    root: string,
  ): Promise<ApiObject[]> {
    const namespace = scope.object.metadata?.namespace ?? '';
    try {
      const decryptor = await this.decryptor(scope, state);
      await decryptor?.decryptGeneratorSources(dir, root);
      await prepareKustomization(dir, root, state.spec);
      let objects = (await this.kustomizeBuild(dir, root)).resources as ApiObject[];
      if (decryptor) objects = await decryptor.decryptObjects(objects);
      if (state.spec.postBuild) {
        const vars = await loadVariables(scope.kube, namespace, state.spec.postBuild);
        objects = substituteObjects(objects, vars, state.spec.postBuild.substituteStrategy);
      }
      objects = normalizeObjects(objects, {
        commonMetadata: state.spec.commonMetadata,
        ownerLabels: ownerLabels(scope.object),
      });
      const leftovers = encryptedLeftovers(objects);
      if (leftovers.length > 0)
        throw new Error(
          `Secret ${leftovers.join(', ')} is SOPS encrypted, configuring decryption is required for this secret to be reconciled`,
        );
      return objects;
    } catch (error) {
      if (error instanceof ReconcileError) throw error;
      const message = error instanceof KustomizeError ? error.message : messageOf(error);
      throw new ReconcileError('BuildFailed', message);
    }
  }

  /** kustomize build confined to the artifact; remote bases are checked out into a scratch dir. */
  private async kustomizeBuild(dir: string, root: string) {
    if (this.options.noRemoteBases) return buildAsync(dir, { root });
    // Created by the loader only when a remote base is met; most builds have none.
    const workDir = join(tmpdir(), `kustomization-remote-${randomUUID()}`);
    try {
      return await buildAsync(dir, { root, remoteLoader: gitRemoteLoader({ workDir }) });
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  private async decryptor(
    scope: ReconcileScope<KustomizationObject>,
    state: RunState,
  ): Promise<Decryptor | undefined> {
    const decryption = state.spec.decryption;
    if (!decryption) return undefined;
    if (!this.options.decrypt)
      throw new ReconcileError(
        'DecryptionFailed',
        'SOPS decryption is not available in this controller build',
      );
    const keys = decryption.secretRef
      ? await loadSopsKeys(scope.kube, scope.object.metadata?.namespace ?? '', decryption.secretRef.name)
      : {};
    return new Decryptor(this.options.decrypt, keys);
  }

  private manager(client: KubeClient): ResourceManager {
    return new ResourceManager({
      client,
      fieldManager: FIELD_MANAGER,
      ownerGroup: GROUP,
      pollMs: this.options.healthPollMs ?? 1_000,
    });
  }

  private async apply(scope: ReconcileScope<KustomizationObject>): Promise<void> {
    const state = this.state(scope);
    const objects = state.objects ?? [];
    const manager = this.manager(state.client as KubeClient);
    try {
      const changeSet = await manager.applyAllStaged(objects, {
        force: state.spec.force === true,
        signal: scope.signal,
      });
      state.changeSet.append(changeSet);
      state.applied = changeSet.entries.filter((e) => e.action !== 'skipped').map((e) => e.ref);
      const entries = changeSet.entries.map((e) => inventoryEntry(e.ref));
      state.inventory = entries;
    } catch (error) {
      if (error instanceof SsaError) {
        const done = error.changeSet.toString();
        throw new ReconcileError('ReconciliationFailed', done ? `${error.message}\n${done}` : error.message);
      }
      throw new ReconcileError('ReconciliationFailed', messageOf(error));
    }
  }

  private async prune(scope: ReconcileScope<KustomizationObject>): Promise<void> {
    const state = this.state(scope);
    const next = state.inventory ?? [];
    const nextIds = new Set(next.map((e) => e.id));
    const stale = inventoryOf(scope.object).filter((e) => !nextIds.has(e.id));
    try {
      if (state.spec.prune && stale.length > 0) {
        const refs = stale.map(parseInventoryEntry).filter((r): r is ObjectRef => r !== undefined);
        const manager = this.manager(state.client as KubeClient);
        const deleted = await this.deleteStale(manager, refs, scope, state);
        state.changeSet.append(deleted);
      }
    } catch (error) {
      if (!(error instanceof DeleteError)) throw error;
      state.changeSet.append(error.changeSet);
      const gone = new Set(error.changeSet.entries.map((e) => inventoryEntry(e.ref).id));
      const kept = stale.filter((e) => !gone.has(e.id));
      scope.status.inventory = { entries: sortEntries([...next, ...kept]) };
      throw new ReconcileError('PruneFailed', error.message);
    } finally {
      await this.reportChanges(scope, state);
    }
    scope.status.inventory = { entries: sortEntries(next) };
  }

  private async deleteStale(
    manager: ResourceManager,
    refs: ObjectRef[],
    scope: ReconcileScope<KustomizationObject>,
    state: RunState,
  ): Promise<ChangeSet> {
    const deleted = await manager.deleteAll(refs, {
      ownerLabels: ownerLabels(scope.object),
      signal: scope.signal,
    });
    if (state.spec.wait) {
      const gone = deleted.entries.filter((e) => e.action === 'deleted').map((e) => e.ref);
      await manager.waitForTermination(gone, { timeoutMs: state.timeoutMs, signal: scope.signal });
    }
    return deleted;
  }

  /** One event with every object created, configured or deleted (Flux's change-set event). */
  private async reportChanges(scope: ReconcileScope<KustomizationObject>, state: RunState): Promise<void> {
    if (!state.changeSet.hasChanges) return;
    await scope.event({
      severity: 'info',
      reason: 'Progressing',
      message: state.changeSet.toString(),
      metadata: { ...scope.eventMetadata },
    });
  }

  private async health(scope: ReconcileScope<KustomizationObject>): Promise<void> {
    const state = this.state(scope);
    const targets = this.healthTargets(scope, state);
    if (targets.length === 0) {
      scope.conditions.delete('Healthy');
      return;
    }
    const revision = state.revision as string;
    await scope.progress(
      `Running health checks for revision ${revision} with a timeout of ${formatDuration(state.timeoutMs)}`,
    );
    const cancel = this.healthWaits.begin(scope.key, revision);
    const started = Date.now();
    try {
      await this.manager(state.client as KubeClient).waitForHealth(targets, {
        timeoutMs: state.timeoutMs,
        signal: AbortSignal.any([scope.signal, cancel]),
        evaluate: state.healthEvaluator,
      });
    } catch (error) {
      if (error instanceof HealthCheckCanceledError) {
        scope.conditions.markFalse('Healthy', 'HealthCheckCanceled', error.message);
        throw new ReconcileError('HealthCheckCanceled', error.message);
      }
      if (!(error instanceof HealthCheckError)) throw error;
      scope.conditions.markFalse('Healthy', 'HealthCheckFailed', error.message);
      throw new ReconcileError('HealthCheckFailed', error.message);
    } finally {
      this.healthWaits.end(scope.key, cancel);
    }
    scope.conditions.markTrue(
      'Healthy',
      'Succeeded',
      `Health check passed in ${formatDuration(Date.now() - started)}`,
    );
  }

  private healthTargets(scope: ReconcileScope<KustomizationObject>, state: RunState): ObjectRef[] {
    if (state.spec.wait) {
      const self = refOf(scope.object);
      return (state.applied ?? []).filter(
        (r) =>
          !(
            r.group === GROUP &&
            r.kind === 'Kustomization' &&
            r.name === self.name &&
            r.namespace === self.namespace
          ),
      );
    }
    const own = scope.object.metadata?.namespace ?? '';
    return (state.spec.healthChecks ?? []).map((check) => {
      const [group, version] = (check.apiVersion ?? '').includes('/')
        ? (check.apiVersion as string).split('/', 2)
        : ['', check.apiVersion ?? 'v1'];
      return {
        group: group ?? '',
        version: version ?? 'v1',
        kind: check.kind,
        namespace: check.namespace ?? own,
        name: check.name,
      };
    });
  }

  private finish(scope: ReconcileScope<KustomizationObject>): void {
    const state = this.state(scope);
    const revision = state.revision as string;
    const changed = scope.object.status?.lastAppliedRevision !== revision || state.changeSet.hasChanges;
    scope.status.lastAppliedRevision = revision;
    const origin = state.artifact?.metadata?.[OCI_REVISION_ANNOTATION];
    if (origin) scope.status.lastAppliedOriginRevision = origin;
    scope.setSuccess('ReconciliationSucceeded', `Applied revision: ${revision}`);
    recordHistory(scope, state, 'ReconciliationSucceeded');
    if (changed) scope.notifyOnSuccess();
  }

  private async finalize(scope: FinalizeScope<KustomizationObject>): Promise<void> {
    if (scope.suspended) return;
    const spec = scope.object.spec;
    const policy = spec.deletionPolicy ?? 'MirrorPrune';
    const entries = inventoryOf(scope.object);
    if (entries.length === 0 || policy === 'Orphan' || (policy === 'MirrorPrune' && !spec.prune)) return;
    const namespace = scope.object.metadata?.namespace ?? '';
    let client = scope.kube;
    if (spec.kubeConfig?.secretRef)
      client = await remoteClient(scope.kube, namespace, spec.kubeConfig.secretRef);
    const account = spec.serviceAccountName || this.options.defaultServiceAccount;
    if (account) {
      // Deleting as a service account that is gone can never succeed: orphan instead of blocking.
      if (!(await serviceAccountExists(client, namespace, account))) {
        scope.logger.error(
          { serviceAccount: `${namespace}/${account}` },
          'skipping garbage collection: the impersonated service account does not exist',
        );
        return;
      }
      client = client.forServiceAccount(namespace, account);
    }
    const manager = this.manager(client);
    const refs = entries.map(parseInventoryEntry).filter((r): r is ObjectRef => r !== undefined);
    const deleted = await manager.deleteAll(refs, {
      ownerLabels: ownerLabels(scope.object),
      signal: scope.signal,
    });
    if (policy === 'WaitForTermination') {
      const gone = deleted.entries.filter((e) => e.action === 'deleted').map((e) => e.ref);
      await manager
        .waitForTermination(gone, { timeoutMs: timeoutOf(spec), signal: scope.signal })
        .catch((error: unknown) =>
          scope.logger.error({ error: messageOf(error) }, 'waiting for termination'),
        );
    }
  }
}

const SERVICE_ACCOUNTS: ResourceType = {
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  namespaced: true,
};

async function serviceAccountExists(client: KubeClient, namespace: string, name: string): Promise<boolean> {
  try {
    await client.get(SERVICE_ACCOUNTS, namespace, name);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

interface HistoryEntry {
  digest: string;
  firstReconciled: string;
  lastReconciled: string;
  lastReconciledDuration: string;
  lastReconciledStatus: string;
  totalReconciliations: number;
  metadata?: Record<string, string>;
}

const HISTORY_LIMIT = 5;
const kubeTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** status.history (kustomize.md §2): newest first, an entry reused when digest and status match. */
function recordHistory(scope: ReconcileScope<KustomizationObject>, state: RunState, status: string): void {
  if (!state.digest) return;
  const now = Date.now();
  const stored = scope.status.history ?? scope.object.status?.history;
  const history = Array.isArray(stored) ? [...(stored as HistoryEntry[])] : [];
  const index = history.findIndex((h) => h.digest === state.digest && h.lastReconciledStatus === status);
  const previous = index >= 0 ? history.splice(index, 1)[0] : undefined;
  const metadata: Record<string, string> = { revision: state.revision ?? '' };
  const origin = state.artifact?.metadata?.[OCI_REVISION_ANNOTATION];
  if (origin) metadata.originRevision = origin;
  history.unshift({
    digest: state.digest,
    firstReconciled: previous?.firstReconciled ?? kubeTime(state.startedAt),
    lastReconciled: kubeTime(now),
    lastReconciledDuration: formatDuration(now - state.startedAt),
    lastReconciledStatus: status,
    totalReconciliations: (previous?.totalReconciliations ?? 0) + 1,
    metadata,
  });
  scope.status.history = history.slice(0, HISTORY_LIMIT);
}

function readyByExpression(expr: Program, self: ApiObject, dep: ApiObject): boolean {
  try {
    return expr({ self, dep }) === true;
  } catch {
    return false;
  }
}

function sortEntries(entries: InventoryEntry[]): InventoryEntry[] {
  const seen = new Map<string, InventoryEntry>();
  for (const e of entries) seen.set(e.id, e);
  return [...seen.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
