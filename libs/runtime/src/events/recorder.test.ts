// Kubernetes Events and Flux events on the bus for one object.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessBus, type EventBus, type FluxEvent } from '@flotilla/bus';
import type { KubeClient } from '../kube/client.js';
import type { ApiObject, ResourceType } from '../kube/resource.js';
import {
  gitRepository,
  GIT_REPOSITORY,
  startKubeFixture,
  waitFor,
  type KubeFixture,
} from '../test-support/kube-fixture.js';
import { EventRecorder, MAX_EVENT_MESSAGE_LENGTH } from './recorder.js';

const EVENTS: ResourceType = { group: '', version: 'v1', kind: 'Event', plural: 'events', namespaced: true };
const NOW = Date.UTC(2024, 4, 1, 12, 0, 0, 789);

interface KubeEvent extends ApiObject {
  involvedObject: Record<string, string>;
  reason: string;
  message: string;
  type: string;
  count: number;
  source: { component: string };
  reportingComponent: string;
  reportingInstance: string;
  firstTimestamp: string;
  lastTimestamp: string;
}

describe('EventRecorder', () => {
  let kube: KubeFixture;
  let client: KubeClient;
  let bus: EventBus;
  const published: FluxEvent[] = [];
  beforeAll(async () => {
    kube = await startKubeFixture();
    client = kube.client({ qps: 0 });
    bus = createInProcessBus();
    await bus.subscribe({ type: 'event' }, (message) => void published.push(message.data));
  });
  afterAll(async () => {
    await bus.close();
    await kube.close();
  });

  const eventsOf = async (ns: string) => (await client.list<KubeEvent>(EVENTS, { namespace: ns })).items;

  it('writes a core/v1 Event and publishes the Flux event, with metadata and event.toolkit.fluxcd.io annotations', async () => {
    const ns = await kube.namespace();
    const repo = await client.create(
      GIT_REPOSITORY,
      gitRepository(
        ns,
        'podinfo',
        {},
        { annotations: { 'event.toolkit.fluxcd.io/summary': 'prod', other: 'x' } },
      ),
    );
    const recorder = new EventRecorder({
      reportingController: 'source-controller',
      reportingInstance: 'source-controller-abc',
      client,
      bus,
      now: () => NOW,
    });
    const revision = `main@sha1:${'a'.repeat(40)}`;
    await recorder.record(repo, {
      severity: 'info',
      reason: 'NewArtifact',
      message: `stored artifact for commit '${revision}'`,
      metadata: { 'source.toolkit.fluxcd.io/revision': revision },
    });
    const [event] = await eventsOf(ns);
    expect(event).toMatchObject({
      involvedObject: {
        kind: 'GitRepository',
        namespace: ns,
        name: 'podinfo',
        uid: repo.metadata?.uid,
        apiVersion: 'source.toolkit.fluxcd.io/v1',
      },
      reason: 'NewArtifact',
      type: 'Normal',
      count: 1,
      source: { component: 'source-controller' },
      reportingComponent: 'source-controller',
      reportingInstance: 'source-controller-abc',
      firstTimestamp: '2024-05-01T12:00:00Z',
      lastTimestamp: '2024-05-01T12:00:00Z',
    });
    expect(event?.metadata?.annotations).toEqual({
      'source.toolkit.fluxcd.io/revision': revision,
      'event.toolkit.fluxcd.io/summary': 'prod',
    });
    await waitFor(
      () => published.length,
      (n) => n >= 1,
      'Flux event on the bus',
    );
    const flux = published.find((e) => e.involvedObject.namespace === ns);
    expect(flux).toEqual({
      involvedObject: {
        kind: 'GitRepository',
        namespace: ns,
        name: 'podinfo',
        uid: repo.metadata?.uid,
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        resourceVersion: repo.metadata?.resourceVersion,
      },
      severity: 'info',
      timestamp: '2024-05-01T12:00:00Z',
      message: `stored artifact for commit '${revision}'`,
      reason: 'NewArtifact',
      metadata: { 'event.toolkit.fluxcd.io/summary': 'prod', 'source.toolkit.fluxcd.io/revision': revision },
      reportingController: 'source-controller',
      reportingInstance: 'source-controller-abc',
    });
    expect(Object.keys(flux ?? {})).toEqual([
      'involvedObject',
      'severity',
      'timestamp',
      'message',
      'reason',
      'metadata',
      'reportingController',
      'reportingInstance',
    ]);
  });

  it('maps error to Warning, aggregates repeats into count, keeps trace events off the bus', async () => {
    const ns = await kube.namespace();
    const repo = await client.create(GIT_REPOSITORY, gitRepository(ns, 'failing'));
    let now = NOW;
    const recorder = new EventRecorder({
      reportingController: 'source-controller',
      client,
      bus,
      now: () => now,
    });
    const before = published.length;
    await recorder.record(repo, { severity: 'error', reason: 'GitOperationFailed', message: 'auth failed' });
    now += 60_000;
    await recorder.record(repo, { severity: 'error', reason: 'GitOperationFailed', message: 'auth failed' });
    await recorder.record(repo, {
      severity: 'trace',
      reason: 'Progressing',
      message: 'x'.repeat(MAX_EVENT_MESSAGE_LENGTH + 10),
    });
    const events = await eventsOf(ns);
    const warning = events.find((e) => e.reason === 'GitOperationFailed');
    expect(warning).toMatchObject({
      type: 'Warning',
      count: 2,
      lastTimestamp: '2024-05-01T12:01:00Z',
      firstTimestamp: '2024-05-01T12:00:00Z',
    });
    const trace = events.find((e) => e.reason === 'Progressing');
    expect(trace?.type).toBe('Normal');
    expect(trace?.message).toHaveLength(MAX_EVENT_MESSAGE_LENGTH);
    await waitFor(
      () => published.length,
      (n) => n >= before + 2,
      'two error events',
    );
    const mine = published.slice(before).filter((e) => e.involvedObject.namespace === ns);
    expect(mine.map((e) => e.severity)).toEqual(['error', 'error']);
  });

  it('creates a new Event when the aggregated one expired', async () => {
    const ns = await kube.namespace();
    const repo = await client.create(GIT_REPOSITORY, gitRepository(ns, 'expiring'));
    const recorder = new EventRecorder({ reportingController: 'source-controller', client, now: () => NOW });
    await recorder.record(repo, { severity: 'info', reason: 'Succeeded', message: 'ok' });
    const [first] = await eventsOf(ns);
    await client.delete(EVENTS, { namespace: ns, name: String(first?.metadata?.name) });
    await recorder.record(repo, { severity: 'info', reason: 'Succeeded', message: 'ok' });
    const events = await eventsOf(ns);
    expect(events).toHaveLength(1);
    expect(events[0]?.count).toBe(1);
    expect(events[0]?.metadata?.name).not.toBe(first?.metadata?.name);
  });
});
