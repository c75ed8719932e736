// The GitRepository → Kustomization flow both topologies (one `flotilla run` process, separate
// controller processes) must pass: first reconcile, then a pushed change reconciled on request.
import { expect } from 'vitest';
import type { ApiObject, KubeClient } from '@flotilla/runtime';
import { commitFiles } from '@flotilla/testing';
import { APP_NAMESPACE, IMAGE_V1, IMAGE_V2, secondAppCommit } from './app-repo.js';
import {
  CONFIG_MAP,
  DEPLOYMENT,
  GIT_REPOSITORY,
  KUSTOMIZATION,
  SERVICE,
  conditionOf,
  getOrUndefined,
  sha256Digest,
  waitFor,
  waitForCondition,
} from './support.js';

interface Artifact {
  url: string;
  revision: string;
  digest: string;
  path: string;
}

export const artifactOf = (object: ApiObject): Artifact => (object.status as { artifact: Artifact }).artifact;

/** status.inventory ids, sorted: `<namespace>_<name>_<group>_<kind>` as Flux writes them. */
export const inventoryOf = (ks: ApiObject): string[] =>
  ((ks.status as { inventory?: { entries?: { id: string }[] } }).inventory?.entries ?? [])
    .map((entry) => entry.id)
    .sort();

const APP_INVENTORY = [
  `${APP_NAMESPACE}_podinfo__Service`,
  `${APP_NAMESPACE}_podinfo_apps_Deployment`,
  `_${APP_NAMESPACE}__Namespace`,
];

const imageOf = (deployment: ApiObject | undefined): string | undefined =>
  (deployment?.spec as { template?: { spec?: { containers?: { image?: string }[] } } } | undefined)?.template
    ?.spec?.containers?.[0]?.image;

/** GETs the artifact URL and checks the served bytes against status.artifact.digest. */
export async function expectArtifactServed(artifact: Artifact): Promise<void> {
  const response = await fetch(artifact.url);
  expect(response.status, `GET ${artifact.url}`).toBe(200);
  const body = new Uint8Array(await response.arrayBuffer());
  expect(body.length).toBeGreaterThan(0);
  // gzip magic: the artifact is the tarball, not an error page.
  expect([body[0], body[1]]).toEqual([0x1f, 0x8b]);
  expect(sha256Digest(body)).toBe(artifact.digest);
}

/** Both objects Ready, the artifact served with its digest, the overlay applied with Flux's labels. */
export async function expectFirstReconcile(
  kube: KubeClient,
  name: string,
  commit: string,
  timeoutMs = 30_000,
): Promise<Artifact> {
  const repo = await waitForCondition(
    kube,
    { resource: GIT_REPOSITORY, namespace: 'flux-system', name },
    { status: 'True' },
    timeoutMs,
  );
  const artifact = artifactOf(repo);
  expect(artifact.revision).toBe(`main@sha1:${commit}`);
  expect(conditionOf(repo, 'Ready')?.message).toBe(`stored artifact for revision '${artifact.revision}'`);
  expect(artifact.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  await expectArtifactServed(artifact);

  const ks = await waitForCondition(
    kube,
    { resource: KUSTOMIZATION, namespace: 'flux-system', name },
    { status: 'True' },
    timeoutMs,
  );
  expect((ks.status as { lastAppliedRevision?: string }).lastAppliedRevision).toBe(artifact.revision);
  expect(conditionOf(ks, 'Ready')?.message).toBe(`Applied revision: ${artifact.revision}`);
  expect(inventoryOf(ks)).toEqual([...APP_INVENTORY, `${APP_NAMESPACE}_podinfo-config__ConfigMap`].sort());

  const owned = {
    'kustomize.toolkit.fluxcd.io/name': name,
    'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
  };
  for (const [resource, objectName] of [
    [DEPLOYMENT, 'podinfo'],
    [SERVICE, 'podinfo'],
    [CONFIG_MAP, 'podinfo-config'],
  ] as const) {
    const object = await getOrUndefined(kube, resource, APP_NAMESPACE, objectName);
    expect(object, `${resource.kind} ${APP_NAMESPACE}/${objectName}`).toBeDefined();
    expect(object?.metadata?.labels).toMatchObject({ ...owned, 'app.kubernetes.io/part-of': 'e2e' });
  }
  expect(imageOf(await kube.get(DEPLOYMENT, APP_NAMESPACE, 'podinfo'))).toBe(IMAGE_V1);
  return artifact;
}

/**
 * Pushes the second commit, asks for a reconcile as `flux reconcile source git` does, and waits for
 * the ConfigMap to be pruned and the new image applied. Returns milliseconds from push to applied.
 */
export async function pushAndExpectUpdate(
  kube: KubeClient,
  name: string,
  repoPath: string,
  timeoutMs = 30_000,
): Promise<number> {
  const change = secondAppCommit();
  const pushed = performance.now();
  const commit = await commitFiles({ repoPath, ...change, message: 'Drop the ConfigMap, bump podinfo' });
  const requestedAt = new Date().toISOString();
  await kube.patch(
    GIT_REPOSITORY,
    { namespace: 'flux-system', name },
    { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': requestedAt } } },
  );
  await waitFor(`the new image and the ConfigMap pruned in ${APP_NAMESPACE}`, timeoutMs, async () => {
    const deployment = await getOrUndefined(kube, DEPLOYMENT, APP_NAMESPACE, 'podinfo');
    if (imageOf(deployment) !== IMAGE_V2) return undefined;
    return (await getOrUndefined(kube, CONFIG_MAP, APP_NAMESPACE, 'podinfo-config')) ? undefined : true;
  });
  const elapsed = performance.now() - pushed;

  const ks = await waitForCondition(
    kube,
    { resource: KUSTOMIZATION, namespace: 'flux-system', name },
    { status: 'True' },
    timeoutMs,
  );
  const status = ks.status as { lastAppliedRevision?: string };
  expect(status.lastAppliedRevision).toBe(`main@sha1:${commit}`);
  expect(inventoryOf(ks)).toEqual([...APP_INVENTORY].sort());
  const repo = await kube.get(GIT_REPOSITORY, 'flux-system', name);
  expect(artifactOf(repo).revision).toBe(`main@sha1:${commit}`);
  // `flux reconcile source git` waits for this field to echo its annotation.
  expect((repo.status as { lastHandledReconcileAt?: string }).lastHandledReconcileAt).toBe(requestedAt);
  // Everything else the overlay declares is still there.
  expect(await getOrUndefined(kube, SERVICE, APP_NAMESPACE, 'podinfo')).toBeDefined();
  return elapsed;
}
