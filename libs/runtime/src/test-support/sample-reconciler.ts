// A small GitRepository reconciler in the Flux style for the runtime tests: validate, wait for
// a dependency, fetch (behaviour chosen by the test), and store an artifact in status.
import type { ReconcilerDefinition, ReconcileScope } from '../reconcile/definition.js';
import { dependencyNotReady } from '../reconcile/errors.js';
import { GIT_REPOSITORY, type GitRepositoryObject } from './kube-fixture.js';

export const WAIT_ANNOTATION = 'test.flotilla.dev/wait-for';

export interface SampleBehaviour {
  /** Replaces the fetch step's work; default stores an artifact. */
  fetch?: (scope: ReconcileScope<GitRepositoryObject>) => Promise<void | { requeueAfterMs: number }>;
  /** Called on deletion before the finalizer goes. */
  finalize?: (key: string, suspended: boolean) => Promise<void> | void;
  /** Keys of every reconcile that ran the fetch step, in order. */
  fetched: string[];
}

export function revisionOf(obj: GitRepositoryObject): string {
  const digit = String(obj.metadata?.generation ?? 0);
  return `main@sha1:${digit.padStart(40, 'a')}`;
}

export async function storeArtifact(scope: ReconcileScope<GitRepositoryObject>): Promise<void> {
  const revision = revisionOf(scope.object);
  const meta = scope.object.metadata ?? {};
  const path = `gitrepository/${meta.namespace}/${meta.name}/${revision.slice(-40)}.tar.gz`;
  scope.status.artifact = {
    path,
    url: `http://source-controller.flux-system.svc.cluster.local./${path}`,
    revision,
    digest: `sha256:${'0'.repeat(64)}`,
    lastUpdateTime: '2024-05-01T12:00:00Z',
    size: 1024,
  };
  scope.eventMetadata['source.toolkit.fluxcd.io/revision'] = revision;
  scope.setSuccess('Succeeded', `stored artifact for revision '${revision}'`);
}

export function sampleDefinition(
  behaviour: SampleBehaviour,
  overrides: Partial<ReconcilerDefinition<GitRepositoryObject>> = {},
): ReconcilerDefinition<GitRepositoryObject> {
  return {
    resource: GIT_REPOSITORY,
    reportingController: 'source-controller',
    steps: [
      {
        name: 'check dependency',
        run: (scope) => {
          const waitFor = scope.object.metadata?.annotations?.[WAIT_ANNOTATION];
          if (waitFor) throw dependencyNotReady(`dependency '${waitFor}' is not ready`);
        },
      },
      {
        name: 'fetch',
        run: async (scope) => {
          behaviour.fetched.push(scope.key);
          return (await (behaviour.fetch ?? storeArtifact)(scope)) ?? undefined;
        },
      },
    ],
    finalize: (scope) => behaviour.finalize?.(scope.key, scope.suspended),
    ...overrides,
  };
}
