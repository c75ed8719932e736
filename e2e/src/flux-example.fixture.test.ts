// The fluxcd/flux2-kustomize-helm-example repository (../shared/fixtures/flux-example, classic
// variant: Kustomizations on a GitRepository, charts from HTTP Helm repositories) reconciled by
// `flotilla run` as a user bootstraps it: the tree committed to a git server, then the
// flux-system GitRepository and a Kustomization for ./clusters/staging, as `flux bootstrap` leaves
// them. No helm-controller reconciles yet, so HelmReleases are created but never Ready: only the
// Kustomizations and the plain objects they apply are asserted. Reads ../shared at run time, so it
// is kept out of `npm test`: `npm run e2e:fixtures`.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient, ResourceType } from '@flotilla/runtime';
import {
  freePort,
  makeTempDir,
  removeDir,
  startGitHttpServer,
  type CreatedRepo,
  type RepoFiles,
  type RunningGitHttpServer,
} from '@flotilla/testing';
import {
  FLOTILLA_BIN,
  GIT_REPOSITORY,
  KUSTOMIZATION,
  NAMESPACE,
  REPO_ROOT,
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
import { inventoryOf } from './flow.js';

const VARIANT = resolve(REPO_ROOT, '..', 'shared', 'fixtures', 'flux-example', 'variants', 'a484a05-classic');
// MAPPING.md: the chart repositories each appear in exactly one file of the variant.
const CHART_URLS = [
  'https://charts.jetstack.io',
  'https://kubernetes.github.io/ingress-nginx',
  'https://stefanprodan.github.io/podinfo',
];

const HELM_REPOSITORY: ResourceType = {
  group: 'source.toolkit.fluxcd.io',
  version: 'v1',
  kind: 'HelmRepository',
  plural: 'helmrepositories',
  namespaced: true,
};
const HELM_RELEASE: ResourceType = {
  group: 'helm.toolkit.fluxcd.io',
  version: 'v2',
  kind: 'HelmRelease',
  plural: 'helmreleases',
  namespaced: true,
};

/** The variant's files, with chart URLs pointed at a closed local port (nothing leaves the machine). */
async function variantFiles(chartBase: string): Promise<RepoFiles> {
  const files: RepoFiles = {};
  for (const entry of await readdir(VARIANT, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    let text = await readFile(path, 'utf8');
    for (const url of CHART_URLS) text = text.replaceAll(url, `${chartBase}/${new URL(url).hostname}`);
    files[relative(VARIANT, path)] = text;
  }
  return files;
}

const bootstrap = (url: string) => `apiVersion: v1
kind: Namespace
metadata:
  name: flux-system
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m0s
  url: ${url}
  ref:
    branch: main
  ignore: clusters/**/flux-system/
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m0s
  path: ./clusters/staging
  prune: false
  sourceRef:
    kind: GitRepository
    name: flux-system
`;

describe('flux2-kustomize-helm-example (classic) with flotilla run', () => {
  let git: RunningGitHttpServer;
  let repo: CreatedRepo;
  let workDir: string;
  let flotilla: ControllerProcess | undefined;
  let kube: KubeClient;

  beforeAll(async () => {
    await requireBuilt(FLOTILLA_BIN);
    git = await startGitHttpServer();
    repo = await git.createRepo('flux-example', {
      files: await variantFiles(`http://127.0.0.1:${await freePort()}`),
    });
    workDir = await makeTempDir('e2e-flux-example');
    flotilla = await startController({ entry: FLOTILLA_BIN, args: ['run'], cwd: workDir });
    kube = await clientFor(join(workDir, '.flotilla', 'kubeconfig'));
  });

  afterAll(async () => {
    kube?.close();
    await flotilla?.process.stop();
    await git?.stop();
    if (workDir) await removeDir(workDir);
  });

  it('bootstraps clusters/staging: the Kustomizations and what they apply', async () => {
    await applyManifests(kube, bootstrap(git.repoUrl('flux-example')));
    const source = await waitForCondition(
      kube,
      { resource: GIT_REPOSITORY, namespace: 'flux-system', name: 'flux-system' },
      { status: 'True' },
    );
    const revision = `main@sha1:${repo.commit}`;
    expect((source.status as { artifact: { revision: string } }).artifact.revision).toBe(revision);

    const root = await waitForCondition(
      kube,
      { resource: KUSTOMIZATION, namespace: 'flux-system', name: 'flux-system' },
      { status: 'True' },
    );
    expect((root.status as { lastAppliedRevision: string }).lastAppliedRevision).toBe(revision);
    // The ignore rule kept clusters/staging/flux-system/ out: only the three Kustomizations were applied.
    expect(inventoryOf(root)).toEqual([
      'flux-system_apps_kustomize.toolkit.fluxcd.io_Kustomization',
      'flux-system_infra-configs_kustomize.toolkit.fluxcd.io_Kustomization',
      'flux-system_infra-controllers_kustomize.toolkit.fluxcd.io_Kustomization',
    ]);

    // infra-controllers applies Namespaces, HelmRepositories and HelmReleases; with wait: true it then
    // waits for the HelmReleases, which nothing reconciles yet.
    const controllers = await waitFor('infra-controllers to apply', 30_000, async () => {
      const ks = await getOrUndefined(kube, KUSTOMIZATION, 'flux-system', 'infra-controllers');
      return ks && inventoryOf(ks).length > 0 ? ks : undefined;
    });
    expect(inventoryOf(controllers)).toEqual([
      '_cert-manager__Namespace',
      '_ingress-nginx__Namespace',
      'cert-manager_cert-manager_helm.toolkit.fluxcd.io_HelmRelease',
      'cert-manager_cert-manager_source.toolkit.fluxcd.io_HelmRepository',
      'ingress-nginx_ingress-nginx_helm.toolkit.fluxcd.io_HelmRelease',
      'ingress-nginx_ingress-nginx_source.toolkit.fluxcd.io_HelmRepository',
    ]);
    // wait: true — the health check of the HelmReleases runs until their 5m timeout, shown as Flux does.
    const checking = await waitForCondition(
      kube,
      { resource: KUSTOMIZATION, namespace: 'flux-system', name: 'infra-controllers' },
      { type: 'Reconciling', status: 'True' },
    );
    expect(conditionOf(checking, 'Ready')).toMatchObject({ status: 'Unknown', reason: 'Progressing' });
    expect(conditionOf(checking, 'Reconciling')?.message).toBe(
      `Running health checks for revision ${revision} with a timeout of 5m0s`,
    );
    const ns = await kube.get(NAMESPACE, undefined, 'cert-manager');
    expect(ns.metadata?.labels).toMatchObject({
      'toolkit.fluxcd.io/tenant': 'sre-team',
      'kustomize.toolkit.fluxcd.io/name': 'infra-controllers',
      'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
    });
    const release = await kube.get(HELM_RELEASE, 'ingress-nginx', 'ingress-nginx');
    expect((release.spec as { values?: unknown }).values).toEqual({
      controller: { service: { type: 'NodePort' } },
      admissionWebhooks: { enabled: false },
    });
    expect(await getOrUndefined(kube, HELM_REPOSITORY, 'cert-manager', 'cert-manager')).toBeDefined();

    // The rest of the chain waits on its dependency, as Flux reports it.
    for (const name of ['infra-configs', 'apps']) {
      const waiting = await waitForCondition(
        kube,
        { resource: KUSTOMIZATION, namespace: 'flux-system', name },
        { status: 'False', reason: 'DependencyNotReady' },
      );
      expect(conditionOf(waiting, 'Ready')?.message).toMatch(/dependency .* is not ready/);
    }
    expect(await getOrUndefined(kube, NAMESPACE, undefined, 'podinfo')).toBeUndefined();
    expect((await fetch(`${flotilla?.healthUrl}/readyz`)).status).toBe(200);
  });
});
