// The controllers as separate processes, as they run in a cluster: the built source-controller and
// kustomize-controller services, each in its own working directory, against a real nats-server, an
// S3 server (s3rver) and one standalone API-server double with the Flux CRDs. They share no memory
// and no filesystem: the artifact travels through S3, its announcement through NATS.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allKinds, crdFor } from '@flotilla/api';
import { openArtifactStore, readArtifactStoreConfig, type ArtifactStore } from '@flotilla/artifacts';
import { createNatsBus, type ArtifactAnnouncement, type EventBus } from '@flotilla/bus';
import { createLogger, type KubeClient } from '@flotilla/runtime';
import {
  makeTempDir,
  removeDir,
  startGitHttpServer,
  startKubeApi,
  startNatsServer,
  startS3Server,
  type CreatedRepo,
  type KubeApiServer,
  type RunningGitHttpServer,
  type RunningNatsServer,
  type RunningS3Server,
} from '@flotilla/testing';
import { fluxManifests, initialAppFiles } from './app-repo.js';
import { artifactOf, expectFirstReconcile, pushAndExpectUpdate } from './flow.js';
import {
  GIT_REPOSITORY,
  KUSTOMIZE_CONTROLLER_MAIN,
  SOURCE_CONTROLLER_MAIN,
  applyManifests,
  clientFor,
  requireBuilt,
  startController,
  waitFor,
  type ControllerProcess,
} from './support.js';

describe('source-controller and kustomize-controller as separate processes over NATS and S3', () => {
  let git: RunningGitHttpServer;
  let repo: CreatedRepo;
  let nats: RunningNatsServer;
  let s3: RunningS3Server;
  let kubeApi: KubeApiServer;
  let dir: string;
  let kube: KubeClient;
  let store: ArtifactStore;
  let bus: EventBus;
  const announced: ArtifactAnnouncement[] = [];
  const controllers: ControllerProcess[] = [];

  beforeAll(async () => {
    await requireBuilt(SOURCE_CONTROLLER_MAIN, KUSTOMIZE_CONTROLLER_MAIN);
    [git, nats, s3, kubeApi, dir] = await Promise.all([
      startGitHttpServer(),
      startNatsServer(),
      startS3Server({ bucket: 'artifacts' }),
      startKubeApi({
        crds: allKinds.map((kind) => crdFor(kind) as unknown as Record<string, unknown>),
        kubelet: true,
      }),
      makeTempDir('e2e-services'),
    ]);
    repo = await git.createRepo('app', { files: initialAppFiles() });
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, kubeApi.kubeconfig(), { mode: 0o600 });
    const env = {
      KUBECONFIG: kubeconfig,
      FLOTILLA_NATS_URL: nats.url,
      FLOTILLA_ARTIFACTS_BACKEND: 's3',
      FLOTILLA_S3_ENDPOINT: s3.endpoint,
      FLOTILLA_S3_REGION: s3.region,
      FLOTILLA_S3_BUCKET: s3.bucket,
      FLOTILLA_S3_ACCESS_KEY_ID: s3.accessKeyId,
      FLOTILLA_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    };
    store = await openArtifactStore(readArtifactStoreConfig(env));
    // A live subscriber of our own sees what the source-controller announces on NATS.
    bus = await createNatsBus(
      { servers: [nats.url] },
      { logger: createLogger({ name: 'e2e', level: 'error' }) },
    );
    await bus.subscribe({ type: 'artifact', kind: 'GitRepository' }, async (message) => {
      announced.push(message.data);
    });
    // Separate working directories: a filesystem artifact store could not be shared by mistake.
    for (const [entry, name] of [
      [SOURCE_CONTROLLER_MAIN, 'source'],
      [KUSTOMIZE_CONTROLLER_MAIN, 'kustomize'],
    ] as const) {
      const cwd = join(dir, name);
      await mkdir(cwd);
      controllers.push(await startController({ entry, cwd, env }));
    }
    kube = await clientFor(kubeconfig);
    await applyManifests(kube, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n');
  });

  afterAll(async () => {
    kube?.close();
    for (const controller of controllers) await controller.process.stop();
    await bus?.close();
    await store?.close();
    await Promise.all([git?.stop(), nats?.stop(), s3?.stop(), kubeApi?.close()]);
    if (dir) await removeDir(dir);
  });

  it('reconciles a GitRepository and a Kustomization, then a pushed change on request', async () => {
    await applyManifests(
      kube,
      fluxManifests({ name: 'app', url: git.repoUrl('app'), path: './overlays/e2e' }),
    );
    const artifact = await expectFirstReconcile(kube, 'app', repo.commit as string);

    // The artifact is in S3 under Flux's path, and its URL is the source-controller's artifact server.
    const stored = await store.head(artifact.path);
    expect(stored?.digest).toBe(artifact.digest);
    expect(artifact.path).toBe(`gitrepository/flux-system/app/${repo.commit}.tar.gz`);
    expect(artifact.url.startsWith(`${controllers[0]?.storageUrl}/`)).toBe(true);
    const first = await waitFor('the artifact announcement on NATS', 10_000, async () =>
      announced.find((a) => a.revision === artifact.revision),
    );
    expect(first).toMatchObject({ namespace: 'flux-system', name: 'app', digest: artifact.digest });

    const elapsed = await pushAndExpectUpdate(kube, 'app', repo.path);
    console.log(
      `separate services: push to applied (ConfigMap pruned, image changed) in ${elapsed.toFixed(0)} ms`,
    );
    const current = artifactOf(await kube.get(GIT_REPOSITORY, 'flux-system', 'app'));
    await waitFor('the second announcement on NATS', 10_000, async () =>
      announced.find((a) => a.revision === current.revision),
    );
    for (const controller of controllers) expect(controller.process.child.exitCode).toBeNull();
  });
});
