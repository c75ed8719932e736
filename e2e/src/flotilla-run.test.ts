// `flotilla run` as a user runs it: the built CLI in its own working directory, no KUBECONFIG (so
// the sandbox cluster comes up and writes .flotilla/kubeconfig), a real `git http-backend` server,
// and Flux manifests applied through the sandbox kubeconfig.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient } from '@flotilla/runtime';
import {
  makeTempDir,
  removeDir,
  startGitHttpServer,
  type CreatedRepo,
  type RunningGitHttpServer,
} from '@flotilla/testing';
import {
  SUSPENDED_NAMESPACE,
  WITNESS_NAMESPACE,
  fluxManifests,
  initialAppFiles,
  kustomizationManifest,
} from './app-repo.js';
import { artifactOf, expectFirstReconcile, pushAndExpectUpdate } from './flow.js';
import {
  DEPLOYMENT,
  FLOTILLA_BIN,
  GIT_REPOSITORY,
  KUSTOMIZATION,
  NAMESPACE,
  applyManifests,
  clientFor,
  conditionOf,
  getOrUndefined,
  requireBuilt,
  startController,
  waitFor,
  waitForCondition,
  type ControllerProcess,
} from './support.js';

describe('flotilla run (sandbox cluster, one process)', () => {
  let git: RunningGitHttpServer;
  let repo: CreatedRepo;
  let workDir: string;
  let flotilla: ControllerProcess | undefined;
  let kube: KubeClient;

  beforeAll(async () => {
    await requireBuilt(FLOTILLA_BIN);
    git = await startGitHttpServer();
    repo = await git.createRepo('app', { files: initialAppFiles() });
    workDir = await makeTempDir('e2e-run');
    flotilla = await startController({ entry: FLOTILLA_BIN, args: ['run'], cwd: workDir });
    kube = await clientFor(join(workDir, '.flotilla', 'kubeconfig'));
    await applyManifests(kube, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n');
  });

  afterAll(async () => {
    kube?.close();
    await flotilla?.process.stop();
    await git?.stop();
    if (workDir) await removeDir(workDir);
  });

  it('reconciles a GitRepository and a Kustomization, then a pushed change on request', async () => {
    await applyManifests(
      kube,
      fluxManifests({ name: 'app', url: git.repoUrl('app'), path: './overlays/e2e' }),
    );
    await expectFirstReconcile(kube, 'app', repo.commit as string);
    const elapsed = await pushAndExpectUpdate(kube, 'app', repo.path);
    console.log(
      `flotilla run: push to applied (ConfigMap pruned, image changed) in ${elapsed.toFixed(0)} ms`,
    );
  });

  it('applies nothing for a suspended Kustomization until it is resumed', async () => {
    await applyManifests(
      kube,
      kustomizationManifest({
        name: 'suspended',
        source: 'app',
        path: './overlays/suspended',
        suspend: true,
      }) +
        '---\n' +
        kustomizationManifest({ name: 'witness', source: 'app', path: './overlays/witness' }),
    );
    // The witness uses the same source: once it is Ready, the suspended one had every chance to apply.
    await waitForCondition(
      kube,
      { resource: KUSTOMIZATION, namespace: 'flux-system', name: 'witness' },
      {
        status: 'True',
      },
    );
    const suspended = await kube.get(KUSTOMIZATION, 'flux-system', 'suspended');
    expect(
      (suspended.status as { lastAppliedRevision?: string } | undefined)?.lastAppliedRevision,
    ).toBeUndefined();
    expect(conditionOf(suspended, 'Ready')?.status).not.toBe('True');
    expect(await getOrUndefined(kube, NAMESPACE, undefined, SUSPENDED_NAMESPACE)).toBeUndefined();
    expect(await getOrUndefined(kube, DEPLOYMENT, SUSPENDED_NAMESPACE, 'podinfo')).toBeUndefined();

    // `flux resume kustomization suspended`
    await kube.patch(
      KUSTOMIZATION,
      { namespace: 'flux-system', name: 'suspended' },
      { spec: { suspend: false } },
    );
    const resumed = await waitForCondition(
      kube,
      { resource: KUSTOMIZATION, namespace: 'flux-system', name: 'suspended' },
      { status: 'True' },
    );
    expect((resumed.status as { lastAppliedRevision?: string }).lastAppliedRevision).toMatch(/^main@sha1:/);
    const deployment = await kube.get(DEPLOYMENT, SUSPENDED_NAMESPACE, 'podinfo');
    expect(deployment.metadata?.labels?.['kustomize.toolkit.fluxcd.io/name']).toBe('suspended');
  });

  it('deletes what a Kustomization with prune applied when the Kustomization is deleted', async () => {
    await waitForCondition(
      kube,
      { resource: KUSTOMIZATION, namespace: 'flux-system', name: 'witness' },
      {
        status: 'True',
      },
    );
    expect(await getOrUndefined(kube, DEPLOYMENT, WITNESS_NAMESPACE, 'podinfo')).toBeDefined();
    await kube.delete(KUSTOMIZATION, { namespace: 'flux-system', name: 'witness' });
    await waitFor('the witness Kustomization and its objects to be gone', 20_000, async () => {
      if (await getOrUndefined(kube, KUSTOMIZATION, 'flux-system', 'witness')) return undefined;
      if (await getOrUndefined(kube, DEPLOYMENT, WITNESS_NAMESPACE, 'podinfo')) return undefined;
      const namespace = await getOrUndefined(kube, NAMESPACE, undefined, WITNESS_NAMESPACE);
      return namespace === undefined || namespace.metadata?.deletionTimestamp ? true : undefined;
    });
    // Objects of the other Kustomizations are untouched.
    expect(await getOrUndefined(kube, DEPLOYMENT, SUSPENDED_NAMESPACE, 'podinfo')).toBeDefined();
  });

  it('reports a missing path and a missing branch as Ready=False with Flux reasons and keeps serving /readyz', async () => {
    await applyManifests(
      kube,
      kustomizationManifest({ name: 'bad-path', source: 'app', path: './does-not-exist' }),
    );
    const failed = await waitForCondition(
      kube,
      { resource: KUSTOMIZATION, namespace: 'flux-system', name: 'bad-path' },
      { status: 'False', reason: 'ArtifactFailed' },
    );
    const ready = conditionOf(failed, 'Ready');
    expect(ready?.message).toMatch(/kustomization path not found/);
    expect(ready?.message).toContain('does-not-exist');
    const status = failed.status as { lastAppliedRevision?: string; lastAttemptedRevision?: string };
    expect(status.lastAppliedRevision).toBeUndefined();
    const source = await kube.get(GIT_REPOSITORY, 'flux-system', 'app');
    expect(status.lastAttemptedRevision).toBe(artifactOf(source).revision);

    // A branch that does not exist: the source fails as Flux reports it, its Kustomization waits.
    await applyManifests(
      kube,
      fluxManifests({ name: 'no-branch', url: git.repoUrl('app'), path: './overlays/e2e' }).replace(
        'branch: main',
        'branch: does-not-exist',
      ),
    );
    const noBranch = await waitForCondition(
      kube,
      { resource: GIT_REPOSITORY, namespace: 'flux-system', name: 'no-branch' },
      { status: 'False', reason: 'GitOperationFailed' },
    );
    expect(conditionOf(noBranch, 'Ready')?.message).toContain('does-not-exist');
    expect((noBranch.status as { artifact?: unknown }).artifact).toBeUndefined();
    const waiting = await waitForCondition(
      kube,
      { resource: KUSTOMIZATION, namespace: 'flux-system', name: 'no-branch' },
      { status: 'False', reason: 'ArtifactFailed' },
    );
    expect(conditionOf(waiting, 'Ready')?.message).toMatch(/^Source artifact not found, retrying in /);

    expect(flotilla?.process.child.exitCode).toBeNull();
    expect((await fetch(`${flotilla?.healthUrl}/readyz`)).status).toBe(200);
    expect((await fetch(`${flotilla?.healthUrl}/healthz`)).status).toBe(200);
  });
});
