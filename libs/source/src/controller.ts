// The source-controller inside a controller host: the artifact server, one reconciler per kind,
// and re-reconciles of dependents when a source's artifact changes (HelmCharts of a
// HelmRepository, GitRepository or Bucket; GitRepositories including another).
import {
  startReconciler,
  type ApiObject,
  type ControllerContext,
  type Controller,
  type ReconcilerDefinition,
} from '@flotilla/runtime';
import { bucketReconciler } from './bucket/bucket.js';
import { gitRepositoryReconciler } from './git/git-repository.js';
import { ociRepositoryReconciler } from './oci/oci-repository.js';
import { loadSourceConfig, type SourceConfig } from './config.js';
import { helmChartReconciler, type HelmChartObject } from './helm/helm-chart.js';
import { helmRepositoryReconciler, type HelmServices } from './helm/helm-repository.js';
import { IndexCache } from './helm/index-cache.js';
import { startArtifactServer, type ArtifactServer } from './server.js';
import { SourceStorage } from './storage.js';

export interface SourceController {
  readonly server: ArtifactServer;
  readonly storage: SourceStorage;
  readonly controllers: ReadonlyMap<string, Controller<ApiObject>>;
}

export interface StartSourceControllerOptions {
  /** Default: from FLOTILLA_* variables. */
  config?: SourceConfig;
  /** Kinds to run (default: all five). */
  kinds?: readonly string[];
}

interface SourceRef {
  kind: string;
  namespace: string;
  name: string;
}

function dependentsOf(
  source: SourceRef,
  controllers: ReadonlyMap<string, Controller<ApiObject>>,
): Array<[Controller<ApiObject>, string]> {
  const found: Array<[Controller<ApiObject>, string]> = [];
  const charts = controllers.get('HelmChart') as Controller<HelmChartObject> | undefined;
  for (const chart of charts?.informer.store.list(source.namespace) ?? []) {
    const ref = chart.spec.sourceRef;
    if (ref.kind === source.kind && ref.name === source.name)
      found.push([charts as unknown as Controller<ApiObject>, `${source.namespace}/${chart.metadata?.name}`]);
  }
  const git = controllers.get('GitRepository');
  if (source.kind === 'GitRepository' && git) {
    for (const repo of git.informer.store.list(source.namespace)) {
      const includes =
        (repo.spec as { include?: { repository?: { name?: string } }[] } | undefined)?.include ?? [];
      if (includes.some((include) => include.repository?.name === source.name))
        found.push([git, `${source.namespace}/${repo.metadata?.name}`]);
    }
  }
  return found;
}

const artifactRevision = (obj: ApiObject): string | undefined =>
  (obj.status as { artifact?: { revision?: string } } | undefined)?.artifact?.revision;

/**
 * Reconciles dependents when a source's stored artifact changes, as Flux's watches do. Driven by
 * the informers (the status is written by then, so dependents read the new artifact), which also
 * covers artifacts stored by other replicas.
 */
function watchArtifacts(controllers: ReadonlyMap<string, Controller<ApiObject>>): () => void {
  const removers: Array<() => void> = [];
  for (const kind of ['GitRepository', 'HelmRepository', 'Bucket']) {
    const controller = controllers.get(kind);
    if (!controller) continue;
    removers.push(
      controller.informer.addHandler({
        update: (previous, current) => {
          if (artifactRevision(previous) === artifactRevision(current) || !artifactRevision(current)) return;
          const ref = {
            kind,
            namespace: current.metadata?.namespace ?? '',
            name: current.metadata?.name ?? '',
          };
          for (const [dependent, key] of dependentsOf(ref, controllers)) dependent.enqueue(key);
        },
      }),
    );
  }
  return () => removers.forEach((remove) => remove());
}

/** Starts the artifact server and the reconcilers in a controller host. */
export async function startSourceController(
  context: ControllerContext,
  options: StartSourceControllerOptions = {},
): Promise<SourceController> {
  const config = options.config ?? loadSourceConfig();
  // Not ready until every reconciler runs: each registers its own check only as it starts.
  let started = false;
  context.health.addReadinessCheck('source-controller', () => {
    if (!started) throw new Error('source-controller is starting');
  });
  const server = await startArtifactServer(context.artifacts, config.storageAddr);
  context.onShutdown('artifact server', () => server.close());
  const storage = new SourceStorage(context.artifacts, () => config.storageAdvAddr || server.address);
  const services: HelmServices = {
    storage,
    bus: context.bus,
    config,
    indexCache: new IndexCache(config.helmCacheMaxSize, config.helmCacheTtl),
  };
  const definitions: Array<ReconcilerDefinition<never>> = [
    helmRepositoryReconciler(services) as ReconcilerDefinition<never>,
    helmChartReconciler(services) as ReconcilerDefinition<never>,
    bucketReconciler(services) as ReconcilerDefinition<never>,
    gitRepositoryReconciler(services) as ReconcilerDefinition<never>,
    ociRepositoryReconciler(services) as ReconcilerDefinition<never>,
  ];
  const controllers = new Map<string, Controller<ApiObject>>();
  for (const definition of definitions) {
    const kind = definition.resource.kind;
    if (options.kinds && !options.kinds.includes(kind)) continue;
    controllers.set(kind, (await startReconciler(context, definition)) as unknown as Controller<ApiObject>);
  }
  context.onShutdown('artifact watches', watchArtifacts(controllers));
  started = true;
  return { server, storage, controllers };
}
