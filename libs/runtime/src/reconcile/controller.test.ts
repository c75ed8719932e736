// The reconcile runtime end to end: a sample GitRepository reconciler against the API-server
// double (through a kubeconfig), with a manual clock so requeue delays are asserted as computed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { createInProcessBus, createNatsBus, type EventBus, type FluxEvent } from '@flotilla/bus';
import { freePort } from '@flotilla/testing';
import type { KubeClient } from '../kube/client.js';
import { createLogger } from '../logger.js';
import { runtimeMetrics } from '../metrics/runtime-metrics.js';
import { ManualClock } from '../queue/clock.js';
import type { ApiObject, ResourceType } from '../kube/resource.js';
import {
  gitRepository,
  GIT_REPOSITORY,
  onRealCluster,
  startKubeFixture,
  waitFor,
  type GitRepositoryObject,
  type KubeFixture,
} from '../test-support/kube-fixture.js';
import {
  revisionOf,
  sampleDefinition,
  storeArtifact,
  WAIT_ANNOTATION,
  type SampleBehaviour,
} from '../test-support/sample-reconciler.js';
import type { Condition } from './conditions.js';
import { Controller, type ControllerOptions, type ReconcileRecord } from './controller.js';
import { FLUX_FINALIZER, REQUESTED_AT_ANNOTATION, type ReconcilerDefinition } from './definition.js';
import { ReconcileError, StallingError } from './errors.js';
import { computeKStatus } from './kstatus.js';

const EVENTS: ResourceType = { group: '', version: 'v1', kind: 'Event', plural: 'events', namespaced: true };
type Repo = GitRepositoryObject & { status?: { conditions?: Condition[]; [field: string]: unknown } };

interface Harness {
  ns: string;
  controller: Controller<GitRepositoryObject>;
  clock: ManualClock;
  behaviour: SampleBehaviour;
  records: ReconcileRecord[];
  registry: Registry;
  logs: Record<string, unknown>[];
  /** Resolves with the first record for `name` after `after` records satisfying `accept`. */
  next(name: string, accept?: (record: ReconcileRecord) => boolean): Promise<ReconcileRecord>;
  read(name: string): Promise<Repo>;
  create(
    name: string,
    spec?: Partial<GitRepositoryObject['spec']>,
    metadata?: Record<string, unknown>,
  ): Promise<Repo>;
}

const conditionSummary = (obj: Repo) =>
  (obj.status?.conditions ?? []).map((c) => `${c.type}=${c.status}:${c.reason}`);

describe('Controller with a sample reconciler', () => {
  let kube: KubeFixture;
  let client: KubeClient;
  let bus: EventBus;
  const controllers: Controller<GitRepositoryObject>[] = [];
  const busEvents: FluxEvent[] = [];

  beforeAll(async () => {
    kube = await startKubeFixture();
    client = kube.client({ qps: 0 });
    bus = createInProcessBus();
    await bus.subscribe({ type: 'event' }, (message) => void busEvents.push(message.data));
  });
  afterAll(async () => {
    await Promise.all(controllers.map((c) => c.stop(1_000)));
    await bus.close();
    await kube.close();
  });

  async function harness(
    options: {
      random?: () => number;
      settings?: ControllerOptions<GitRepositoryObject>['settings'];
      definition?: Partial<ReconcilerDefinition<GitRepositoryObject>>;
      ns?: string;
      bus?: EventBus;
    } = {},
  ): Promise<Harness> {
    const ns = options.ns ?? (await kube.namespace());
    const clock = new ManualClock();
    const behaviour: SampleBehaviour = { fetched: [] };
    const records: ReconcileRecord[] = [];
    const registry = new Registry();
    const logs: Record<string, unknown>[] = [];
    const logger = createLogger({
      name: 'source-controller',
      level: 'debug',
      destination: { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) },
    });
    const waiters: (() => void)[] = [];
    const controller = new Controller<GitRepositoryObject>({
      definition: sampleDefinition(behaviour, options.definition),
      kube: kube.client({ qps: 0, userAgent: 'source-controller/0.1.0', metrics: runtimeMetrics(registry) }),
      logger,
      registry,
      bus: options.bus ?? bus,
      clock,
      random: options.random ?? (() => 0.5),
      settings: { watchNamespace: ns, ...options.settings },
      onReconciled: (record) => {
        records.push(record);
        for (const wake of waiters.splice(0)) wake();
      },
    });
    controllers.push(controller);
    await controller.start();
    if (!options.bus) await controller.reconcileRequestsReady;
    const seen = new Map<string, number>();
    return {
      ns,
      controller,
      clock,
      behaviour,
      records,
      registry,
      logs,
      async next(name, accept = () => true) {
        const key = `${ns}/${name}`;
        const deadline = Date.now() + 10_000;
        for (;;) {
          const from = seen.get(key) ?? 0;
          const index = records.findIndex((r, i) => i >= from && r.key === key && accept(r));
          if (index >= 0) {
            seen.set(key, index + 1);
            return records[index] as ReconcileRecord;
          }
          if (Date.now() > deadline)
            throw new Error(`no reconcile of ${key}; records: ${records.map((r) => `${r.key}:${r.result}`)}`);
          await new Promise<void>((resolve) => {
            waiters.push(resolve);
            setTimeout(resolve, 50);
          });
        }
      },
      read: (name) => client.get<Repo>(GIT_REPOSITORY, ns, name),
      create: (name, spec = {}, metadata = {}) =>
        client.create<Repo>(GIT_REPOSITORY, gitRepository(ns, name, spec, metadata)),
    };
  }

  const patchSpec = (ns: string, name: string, spec: Record<string, unknown>) =>
    client.patch(GIT_REPOSITORY, { namespace: ns, name }, { spec });
  const annotate = (ns: string, name: string, annotations: Record<string, string | null>) =>
    client.patch(GIT_REPOSITORY, { namespace: ns, name }, { metadata: { annotations } });

  it('adds the finalizer, reconciles to Ready, requeues after the interval, and cleans up on deletion', async () => {
    const h = await harness();
    const finalized: string[] = [];
    h.behaviour.finalize = (key, suspended) => void finalized.push(`${key} suspended=${suspended}`);
    await h.create('podinfo');
    const first = await h.next('podinfo');
    expect(first.result).toBe('succeeded');
    expect(first.scheduled).toEqual({ delayMs: 600_000, reason: 'interval' });
    expect(h.controller.queue.scheduledAdd(`${h.ns}/podinfo`)).toMatchObject({
      delayMs: 600_000,
      reason: 'interval',
    });
    const repo = await h.read('podinfo');
    expect(repo.metadata?.finalizers).toEqual([FLUX_FINALIZER]);
    expect(conditionSummary(repo)).toEqual(['Ready=True:Succeeded']);
    expect(repo.status?.conditions?.[0]).toMatchObject({
      message: `stored artifact for revision '${revisionOf(repo)}'`,
      observedGeneration: 1,
      lastTransitionTime: '2024-05-01T12:00:00Z',
    });
    expect(repo.status).toMatchObject({ observedGeneration: 1, artifact: { revision: revisionOf(repo) } });
    expect(computeKStatus(repo).status).toBe('Current');
    const metricsBefore = await h.registry.metrics();
    expect(metricsBefore).toContain(
      `gotk_reconcile_duration_seconds_count{kind="GitRepository",name="podinfo",namespace="${h.ns}"} 1`,
    );

    await client.delete(GIT_REPOSITORY, { namespace: h.ns, name: 'podinfo' });
    const deleted = await h.next('podinfo', (r) => r.result === 'deleted');
    expect(deleted.scheduled).toBeUndefined();
    expect(finalized).toEqual([`${h.ns}/podinfo suspended=false`]);
    await expect(h.read('podinfo')).rejects.toMatchObject({ status: 404 });
    await h.next('podinfo', (r) => r.result === 'gone');
    expect(h.controller.queue.isIdle(`${h.ns}/podinfo`)).toBe(true);
    expect(await h.registry.metrics()).not.toContain(`name="podinfo",namespace="${h.ns}"`);
  });

  it('leaves suspended objects alone except for lastHandledReconcileAt, and finalizes them without pruning', async () => {
    const h = await harness();
    const finalized: string[] = [];
    h.behaviour.finalize = (key, suspended) => void finalized.push(`suspended=${suspended}`);
    await h.create('paused', { suspend: true });
    const first = await h.next('paused');
    expect(first.result).toBe('suspended');
    expect(first.scheduled).toBeUndefined();
    expect(h.behaviour.fetched).toEqual([]);
    let repo = await h.read('paused');
    expect(repo.metadata?.finalizers).toEqual([FLUX_FINALIZER]);
    expect(repo.status).toEqual({ observedGeneration: -1 });
    expect(h.logs.some((l) => l.msg === 'Reconciliation is suspended for this object')).toBe(true);

    await annotate(h.ns, 'paused', { [REQUESTED_AT_ANNOTATION]: 'token-1' });
    await h.next('paused', (r) => r.result === 'suspended');
    repo = await h.read('paused');
    expect(repo.status).toEqual({ observedGeneration: -1, lastHandledReconcileAt: 'token-1' });
    expect(h.behaviour.fetched).toEqual([]);

    await patchSpec(h.ns, 'paused', { suspend: false });
    expect((await h.next('paused')).result).toBe('succeeded');
    repo = await h.read('paused');
    expect(conditionSummary(repo)).toEqual(['Ready=True:Succeeded']);
    expect(repo.status?.observedGeneration).toBe(2);

    await patchSpec(h.ns, 'paused', { suspend: true });
    await h.next('paused', (r) => r.result === 'suspended');
    await client.delete(GIT_REPOSITORY, { namespace: h.ns, name: 'paused' });
    await h.next('paused', (r) => r.result === 'deleted');
    expect(finalized).toEqual(['suspended=true']);
  });

  it('backs off exponentially on failures (750ms, 1.5s, 3s …) and returns to the jittered interval on success', async () => {
    const h = await harness({ random: () => 0.75 });
    let failures = 3;
    h.behaviour.fetch = async (scope) => {
      if (failures-- > 0)
        throw new ReconcileError('GitOperationFailed', 'failed to checkout: authentication required');
      await storeArtifact(scope);
    };
    await h.create('flaky');
    const delays: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const record = await h.next('flaky');
      expect(record.result).toBe('failed');
      expect(record.scheduled?.reason).toBe('backoff');
      delays.push(record.scheduled?.delayMs ?? 0);
      expect(h.controller.queue.scheduledAdd(`${h.ns}/flaky`)?.delayMs).toBe(record.scheduled?.delayMs);
      const repo = await h.read('flaky');
      expect(conditionSummary(repo)).toEqual([
        'Reconciling=True:ProgressingWithRetry',
        'Ready=False:GitOperationFailed',
      ]);
      expect(repo.status?.observedGeneration).toBe(-1);
      expect(computeKStatus(repo).status).toBe('InProgress');
      // Nothing runs before the computed delay has passed on the queue's clock.
      h.clock.advance((record.scheduled?.delayMs ?? 0) - 1);
      expect(h.controller.queue.isIdle(`${h.ns}/flaky`)).toBe(false);
      expect(h.records.filter((r) => r.key === `${h.ns}/flaky`)).toHaveLength(attempt + 1);
      h.clock.advance(1);
    }
    // min-retry-delay 750ms doubling, with +5% of 10% backoff jitter from random() = 0.75.
    expect(delays).toEqual([788, 1575, 3150]);
    const success = await h.next('flaky');
    expect(success.result).toBe('succeeded');
    // interval 10m with +50% of the 5% interval jitter.
    expect(success.scheduled).toEqual({ delayMs: 615_000, reason: 'interval' });
    expect(h.controller.queue.retries(`${h.ns}/flaky`)).toBe(0);
    expect(conditionSummary(await h.read('flaky'))).toEqual(['Ready=True:Succeeded']);
    const warnings = (
      await client.list<ApiObject & { type: string; reason: string; count: number }>(EVENTS, {
        namespace: h.ns,
      })
    ).items;
    expect(warnings.find((e) => e.reason === 'GitOperationFailed')).toMatchObject({
      type: 'Warning',
      count: 3,
    });
    expect(warnings.find((e) => e.reason === 'Succeeded')).toMatchObject({ type: 'Normal', count: 1 });
    const metrics = await h.registry.metrics();
    expect(metrics).toContain('workqueue_retries_total{name="gitrepository",controller="gitrepository"} 3');
    expect(metrics).toContain('controller_runtime_reconcile_errors_total{controller="gitrepository"} 3');
    expect(metrics).toContain(
      'controller_runtime_reconcile_total{controller="gitrepository",result="error"} 3',
    );
    expect(metrics).toContain(
      'controller_runtime_reconcile_total{controller="gitrepository",result="requeue_after"} 1',
    );
  });

  it('waits for dependencies with --requeue-dependency, honours retryInterval, and requeues when a step asks', async () => {
    const h = await harness({
      settings: { requeueDependencyMs: 5_000 },
      definition: { retryInterval: (obj) => (obj.metadata?.labels?.retry ? 120_000 : undefined) },
    });
    await h.create('dependent', {}, { annotations: { [WAIT_ANNOTATION]: 'infra' } });
    const waiting = await h.next('dependent');
    expect(waiting.result).toBe('waiting');
    expect(waiting.scheduled).toEqual({ delayMs: 5_000, reason: 'dependency' });
    const repo = await h.read('dependent');
    expect(conditionSummary(repo)).toEqual([
      'Reconciling=True:ProgressingWithRetry',
      'Ready=False:DependencyNotReady',
    ]);
    expect(computeKStatus(repo).status).toBe('InProgress');
    const events = (
      await client.list<ApiObject & { type: string; reason: string }>(EVENTS, { namespace: h.ns })
    ).items;
    expect(events.find((e) => e.reason === 'DependencyNotReady')?.type).toBe('Normal');

    h.behaviour.fetch = async () => {
      throw new Error('network unreachable');
    };
    await h.create('retrying', {}, { labels: { retry: 'yes' } });
    const failed = await h.next('retrying');
    expect(failed.scheduled).toEqual({ delayMs: 120_000, reason: 'retry-interval' });
    expect(conditionSummary(await h.read('retrying'))).toContain('Ready=False:Failed');

    h.behaviour.fetch = async (scope) => {
      await scope.progress('waiting for the mirror to catch up');
      return { requeueAfterMs: 2_500 };
    };
    await h.create('progressing');
    const progressing = await h.next('progressing');
    expect(progressing.result).toBe('progressing');
    expect(progressing.scheduled).toEqual({ delayMs: 2_500, reason: 'requeue' });
    const inProgress = await h.read('progressing');
    expect(conditionSummary(inProgress)).toEqual([
      'Reconciling=True:Progressing',
      'Ready=Unknown:Progressing',
    ]);
    expect(inProgress.status?.conditions?.[0]?.message).toBe('waiting for the mirror to catch up');
    expect(computeKStatus(inProgress).status).toBe('InProgress');
  });

  it('stalls without requeue until the spec changes', async () => {
    const h = await harness();
    h.behaviour.fetch = async (scope) => {
      if (scope.object.spec.url.endsWith('.invalid'))
        throw new StallingError('InvalidURL', 'host does not resolve');
      await storeArtifact(scope);
    };
    await h.create('broken', { url: 'https://example.invalid' });
    const stalled = await h.next('broken');
    expect(stalled.result).toBe('stalled');
    expect(stalled.scheduled).toBeUndefined();
    expect(h.controller.queue.isIdle(`${h.ns}/broken`)).toBe(true);
    const repo = await h.read('broken');
    expect(conditionSummary(repo)).toEqual(['Stalled=True:InvalidURL', 'Ready=False:InvalidURL']);
    expect(repo.status?.observedGeneration).toBe(1);
    expect(computeKStatus(repo)).toEqual({ status: 'Failed', message: 'host does not resolve' });
    expect(await h.registry.metrics()).toContain(
      'controller_runtime_terminal_reconcile_errors_total{controller="gitrepository"} 1',
    );

    await patchSpec(h.ns, 'broken', { url: 'https://example.com/fixed.git' });
    expect((await h.next('broken')).result).toBe('succeeded');
    const fixed = await h.read('broken');
    expect(conditionSummary(fixed)).toEqual(['Ready=True:Succeeded']);
    expect(computeKStatus(fixed).status).toBe('Current');
  });

  it('reconciles at once on a new requestedAt token or a bus request, not on status-only changes', async () => {
    const h = await harness();
    await h.create('on-demand');
    await h.next('on-demand');
    expect(h.controller.queue.scheduledAdd(`${h.ns}/on-demand`)?.delayMs).toBe(600_000);

    await annotate(h.ns, 'on-demand', { [REQUESTED_AT_ANNOTATION]: '2024-05-01T12:30:00.123456789Z' });
    const requested = await h.next('on-demand');
    expect(requested.result).toBe('succeeded');
    expect((await h.read('on-demand')).status?.lastHandledReconcileAt).toBe('2024-05-01T12:30:00.123456789Z');

    await client.patch(
      GIT_REPOSITORY,
      { namespace: h.ns, name: 'on-demand' },
      { status: { observedIgnore: 'x' } },
      { subresource: 'status' },
    );
    await annotate(h.ns, 'on-demand', { unrelated: 'metadata-only change' });
    // Both changes have reached the informer (and its triggers) before the bus request is sent.
    await waitFor(
      () => h.controller.informer.store.get(`${h.ns}/on-demand`)?.metadata?.annotations?.unrelated,
      (value) => value !== undefined,
      'the informer to see the edits',
    );
    await h.controller.queue.settled();
    await bus.requestReconcile({ kind: 'GitRepository', namespace: h.ns, name: 'on-demand' });
    await bus.requestReconcile({ kind: 'GitRepository', namespace: h.ns, name: 'not-here' });
    const viaBus = await h.next('on-demand');
    expect(viaBus.result).toBe('succeeded');
    expect(h.behaviour.fetched.filter((k) => k === `${h.ns}/on-demand`)).toHaveLength(3);
    await h.controller.queue.settled();
    expect(h.records.some((r) => r.key === `${h.ns}/not-here`)).toBe(false);
    // The status write and the metadata-only edit triggered nothing else.
    expect(h.records.filter((r) => r.key === `${h.ns}/on-demand`)).toHaveLength(3);
  });

  it('keeps reconciling while NATS is unreachable (events buffered, requests not awaited)', async () => {
    const unreachable = await createNatsBus(
      { servers: [`nats://127.0.0.1:${await freePort()}`] },
      { waitForConnection: false },
    );
    try {
      const ns = await kube.namespace();
      const h = await harness({ ns, bus: unreachable });
      await h.create('offline');
      expect((await h.next('offline')).result).toBe('succeeded');
      expect(conditionSummary(await h.read('offline'))).toEqual(['Ready=True:Succeeded']);
      expect(unreachable.connectionState()).not.toBe('connected');
    } finally {
      await unreachable.close();
    }
  });

  it('retries a status patch that conflicts with a concurrent writer, keeping the other write', async () => {
    const h = await harness();
    h.behaviour.fetch = async (scope) => {
      // Someone edits the object while the reconcile works on the copy it read.
      await client.patch(
        GIT_REPOSITORY,
        { namespace: h.ns, name: 'contended' },
        { metadata: { labels: { edited: 'meanwhile' } } },
      );
      await storeArtifact(scope);
    };
    await h.create('contended');
    expect((await h.next('contended')).result).toBe('succeeded');
    const repo = await h.read('contended');
    expect(repo.metadata?.labels).toEqual({ edited: 'meanwhile' });
    expect(conditionSummary(repo)).toEqual(['Ready=True:Succeeded']);
    expect(repo.status?.observedGeneration).toBe(1);
    expect(await h.registry.metrics()).toMatch(
      /rest_client_requests_total\{code="409",host="[^"]+",method="PATCH"\} 1/,
    );
  });

  it.skipIf(onRealCluster)('backs off when writing status fails with a 500, then recovers', async () => {
    const h = await harness();
    const fault = kube.server!.faults.add({
      method: 'PATCH',
      path: new RegExp(`/namespaces/${h.ns}/gitrepositories/api-down/status$`),
      status: 500,
      times: 1,
    });
    await h.create('api-down');
    const failed = await h.next('api-down');
    expect(fault.hits).toBe(1);
    expect(failed.result).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'KUBE_STATUS_ERROR', status: 500 });
    expect(failed.scheduled).toEqual({ delayMs: 750, reason: 'backoff' });
    h.clock.advance(750);
    expect((await h.next('api-down')).result).toBe('succeeded');
    expect(conditionSummary(await h.read('api-down'))).toEqual(['Ready=True:Succeeded']);
  });

  it('emits Flux events on the bus and logs with Flux field names', async () => {
    const h = await harness();
    await h.create('observed', {}, { annotations: { 'event.toolkit.fluxcd.io/deploymentID': 'd-42' } });
    const record = await h.next('observed');
    await waitFor(
      () => busEvents.filter((e) => e.involvedObject.namespace === h.ns).length,
      (n) => n === 1,
      'bus event',
    );
    const event = busEvents.find((e) => e.involvedObject.namespace === h.ns);
    const revision = `main@sha1:${'1'.padStart(40, 'a')}`;
    expect(event).toMatchObject({
      severity: 'info',
      reason: 'Succeeded',
      message: `stored artifact for revision '${revision}'`,
      reportingController: 'source-controller',
      metadata: {
        'source.toolkit.fluxcd.io/revision': revision,
        'event.toolkit.fluxcd.io/deploymentID': 'd-42',
      },
    });
    const finished = h.logs.find(
      (l) => l.reconcileID === record.reconcileId && String(l.msg).startsWith('Reconciliation finished in'),
    );
    expect(finished).toMatchObject({
      level: 'info',
      logger: 'source-controller',
      controller: 'gitrepository',
      controllerGroup: 'source.toolkit.fluxcd.io',
      controllerKind: 'GitRepository',
      GitRepository: { name: 'observed', namespace: h.ns },
      name: 'observed',
      namespace: h.ns,
    });
    expect(String(finished?.msg)).toMatch(/, next run in 10m0s$/);
    expect(String(finished?.ts)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const metrics = await h.registry.metrics();
    expect(metrics).toMatch(
      new RegExp(
        `gotk_reconcile_duration_seconds_bucket\\{le="0.01",kind="GitRepository",name="observed",namespace="${h.ns}"\\}`,
      ),
    );
    // Go's ExponentialBucketsRange(0.01, 1800, 10): ten buckets, the last ≈ 1800 s.
    const bounds = [...metrics.matchAll(/gotk_reconcile_duration_seconds_bucket\{le="([^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(bounds).toHaveLength(11);
    expect(Number(bounds[1])).toBeCloseTo(0.0384, 4);
    expect(Number(bounds[9])).toBeCloseTo(1800, 6);
    expect(bounds[10]).toBe('+Inf');
    expect(metrics).toContain('controller_runtime_max_concurrent_reconciles{controller="gitrepository"} 4');
    expect(metrics).toContain('workqueue_adds_total{name="gitrepository",controller="gitrepository"} 1');
    for (const name of [
      'controller_runtime_active_workers',
      'controller_runtime_reconcile_time_seconds_bucket',
      'workqueue_depth',
      'workqueue_queue_duration_seconds_bucket',
      'workqueue_work_duration_seconds_bucket',
      'workqueue_unfinished_work_seconds',
      'workqueue_longest_running_processor_seconds',
    ])
      expect(metrics).toContain(`${name}{`);
    expect(metrics).toContain('# TYPE gotk_reconcile_condition gauge');
  });

  it('reconciles only its shard with --watch-label-selector', async () => {
    const ns = await kube.namespace();
    const shard = await harness({ ns, settings: { watchLabelSelector: 'sharding.fluxcd.io/key=shard1' } });
    const main = await harness({ ns, settings: { watchLabelSelector: '!sharding.fluxcd.io/key' } });
    await shard.create('in-shard', {}, { labels: { 'sharding.fluxcd.io/key': 'shard1' } });
    await shard.create('unsharded');
    await shard.next('in-shard');
    await main.next('unsharded');
    expect(shard.behaviour.fetched).toEqual([`${ns}/in-shard`]);
    expect(main.behaviour.fetched).toEqual([`${ns}/unsharded`]);
  });

  it('drains an in-flight reconcile on stop, then takes no more work', async () => {
    const h = await harness();
    let release: () => void = () => undefined;
    const started: string[] = [];
    h.behaviour.fetch = async (scope) => {
      started.push(scope.key);
      await new Promise<void>((resolve) => (release = resolve));
      await storeArtifact(scope);
    };
    await h.create('slow');
    await waitFor(
      () => started.length,
      (n) => n === 1,
      'the reconcile to start',
    );
    let stopped: boolean | undefined;
    const stopping = h.controller.stop(60_000).then((result) => (stopped = result));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stopped).toBeUndefined();
    expect(h.controller.ready).toBe(false);
    h.controller.enqueue(`${h.ns}/slow`);
    release();
    await stopping;
    expect(stopped).toBe(true);
    expect(conditionSummary(await h.read('slow'))).toEqual(['Ready=True:Succeeded']);
    await h.create('after-stop');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(started).toEqual([`${h.ns}/slow`]);
  });

  it('aborts reconciles still running at the drain deadline', async () => {
    const h = await harness();
    let signal: AbortSignal | undefined;
    h.behaviour.fetch = (scope) =>
      new Promise<void>((_resolve, reject) => {
        signal = scope.signal;
        scope.signal.addEventListener('abort', () => reject(scope.signal.reason as Error));
      });
    await h.create('stuck');
    await waitFor(
      () => signal,
      (s) => s !== undefined,
      'the reconcile to start',
    );
    const stopping = h.controller.stop(30_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    h.clock.advance(30_000);
    expect(await stopping).toBe(false);
    expect(signal?.aborted).toBe(true);
  });
});
