// The source-controller with a real NATS server: new revisions are announced on
// flotilla.artifacts.<kind>.<namespace>.<name>, a reconcile request on the bus triggers an
// immediate reconcile, suspended objects are left alone, and deletion removes the stored files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createNatsBus,
  type ArtifactAnnouncementMessage,
  type DeliveryInfo,
  type EventBus,
} from '@flotilla/bus';
import {
  startHelmRepo,
  startNatsServer,
  type RunningHelmRepo,
  type RunningNatsServer,
} from '@flotilla/testing';
import { isNotFound } from '@flotilla/runtime';
import { SOURCE_RESOURCES } from './source-object.js';
import type { Artifact } from './storage.js';
import { isReady, type SourceHarness, sourceManifest, startSourceHarness } from './test-support/harness.js';

describe('source-controller on NATS', () => {
  let nats: RunningNatsServer;
  let h: SourceHarness;
  let repo: RunningHelmRepo;
  let consumer: EventBus;
  const received: Array<{ message: ArtifactAnnouncementMessage; delivery: DeliveryInfo }> = [];

  beforeAll(async () => {
    nats = await startNatsServer();
    [h, repo, consumer] = await Promise.all([
      startSourceHarness({}, { natsUrl: nats.url }),
      startHelmRepo({ charts: [{ name: 'app', version: '1.0.0' }] }),
      createNatsBus({ servers: [nats.url] }),
    ]);
    await consumer.subscribe(
      { type: 'artifact', kind: 'HelmRepository' },
      (message, delivery) => void received.push({ message, delivery }),
    );
  });
  afterAll(async () => {
    await consumer?.close();
    await Promise.all([h?.close(), repo?.stop()]);
    await nats?.stop();
  });

  const helmRepository = (namespace: string, name: string, extra: Record<string, unknown> = {}) =>
    sourceManifest('HelmRepository', namespace, name, { interval: '1h', url: repo.url, ...extra });

  it('announces new artifacts and reconciles at once on a bus request', async () => {
    const ns = await h.namespace();
    await h.create('HelmRepository', helmRepository(ns, 'charts'));
    const first = (await h.waitFor('HelmRepository', ns, 'charts', isReady)).status?.artifact as Artifact;
    await expect.poll(() => received.find((r) => r.message.data.namespace === ns)).toBeDefined();
    const announced = received.find((r) => r.message.data.namespace === ns);
    expect(announced?.delivery.subject).toBe(`flotilla.artifacts.HelmRepository.${ns}.charts`);
    expect(announced?.message.data).toMatchObject({
      revision: first.revision,
      digest: first.digest,
      storageKey: first.path,
      url: first.url,
    });

    await repo.addChart({ name: 'app', version: '1.1.0' });
    await consumer.requestReconcile({ kind: 'HelmRepository', namespace: ns, name: 'charts' });
    const next = await h.waitFor(
      'HelmRepository',
      ns,
      'charts',
      (o) => (o.status?.artifact as Artifact).revision !== first.revision,
      10_000,
    );
    expect(isReady(next)).toBe(true);
  });

  it('leaves suspended objects alone and deletes stored files with the object', async () => {
    const ns = await h.namespace();
    await h.create('HelmRepository', helmRepository(ns, 'suspended', { suspend: true }));
    await h.create('HelmRepository', helmRepository(ns, 'doomed'));
    const artifact = (await h.waitFor('HelmRepository', ns, 'doomed', isReady)).status?.artifact as Artifact;
    const suspended = await h.get('HelmRepository', ns, 'suspended');
    expect(suspended.metadata?.finalizers).toEqual(['finalizers.fluxcd.io']);
    expect(suspended.status?.conditions ?? []).toEqual([]);
    expect((await fetch(artifact.url)).status).toBe(200);
    await h.client.delete(SOURCE_RESOURCES.HelmRepository, { namespace: ns, name: 'doomed' });
    await expect
      .poll(async () =>
        h.get('HelmRepository', ns, 'doomed').then(
          () => 'present',
          (error: unknown) => (isNotFound(error) ? 'gone' : 'error'),
        ),
      )
      .toBe('gone');
    expect((await fetch(artifact.url)).status).toBe(404);
    expect((await fetch(`${h.source.server.url}/helmrepository/${ns}/doomed/index.yaml`)).status).toBe(404);
  });
});
