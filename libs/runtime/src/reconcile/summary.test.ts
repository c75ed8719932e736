// The condition summary and the kstatus it produces (spec README "Conditions" and "kstatus").
import { describe, expect, it } from 'vitest';
import {
  ConditionSet,
  formatKubeTime,
  MAX_CONDITION_MESSAGE_LENGTH,
  setCondition,
  sortConditions,
  type Condition,
} from './conditions.js';
import { computeKStatus } from './kstatus.js';
import { markProgressing, needsProgressMark, summarizeStatus, type FluxStatus } from './summary.js';

const T0 = Date.UTC(2024, 4, 1, 12, 0, 0, 456);
const T1 = T0 + 90_000;

function obj(generation: number, status: FluxStatus, deletionTimestamp?: string) {
  return { metadata: { name: 'x', generation, ...(deletionTimestamp ? { deletionTimestamp } : {}) }, status };
}

const types = (conditions: Condition[] | undefined) => (conditions ?? []).map((c) => `${c.type}=${c.status}`);

describe('conditions', () => {
  it('stamps generation and second-precision UTC time, keeping lastTransitionTime unless status/reason/message change', () => {
    let list = setCondition(
      [],
      { type: 'Ready', status: 'True', reason: 'Succeeded', message: 'ok' },
      { generation: 1, now: T0 },
    );
    expect(list[0]).toEqual({
      type: 'Ready',
      status: 'True',
      observedGeneration: 1,
      lastTransitionTime: '2024-05-01T12:00:00Z',
      reason: 'Succeeded',
      message: 'ok',
    });
    list = setCondition(
      list,
      { type: 'Ready', status: 'True', reason: 'Succeeded', message: 'ok' },
      { generation: 2, now: T1 },
    );
    expect(list[0]).toMatchObject({ observedGeneration: 2, lastTransitionTime: '2024-05-01T12:00:00Z' });
    list = setCondition(
      list,
      { type: 'Ready', status: 'True', reason: 'Succeeded', message: 'new' },
      { generation: 2, now: T1 },
    );
    expect(list[0]?.lastTransitionTime).toBe(formatKubeTime(T1));
    expect(formatKubeTime(T1)).toBe('2024-05-01T12:01:30Z');
  });

  it('orders Stalled, Reconciling, Ready, then others by higher observedGeneration, then type', () => {
    const c = (type: string, observedGeneration: number): Condition => ({
      type,
      status: 'True',
      observedGeneration,
      lastTransitionTime: 'x',
      reason: 'R',
      message: '',
    });
    const sorted = sortConditions([
      c('FetchFailed', 1),
      c('Ready', 1),
      c('ArtifactInStorage', 2),
      c('BuildFailed', 1),
      c('Reconciling', 1),
      c('Stalled', 1),
      c('Artifact', 1),
    ]);
    expect(sorted.map((x) => x.type)).toEqual([
      'Stalled',
      'Reconciling',
      'Ready',
      'ArtifactInStorage',
      'Artifact',
      'BuildFailed',
      'FetchFailed',
    ]);
  });

  it('trims messages to 32768 characters with an ellipsis and refuses non-CamelCase reasons', () => {
    const [ready] = setCondition(
      [],
      { type: 'Ready', status: 'False', reason: 'Failed', message: 'x'.repeat(40_000) },
      { generation: 1, now: T0 },
    );
    expect(ready?.message).toHaveLength(MAX_CONDITION_MESSAGE_LENGTH);
    expect(ready?.message.endsWith('...')).toBe(true);
    expect(() =>
      setCondition(
        [],
        { type: 'Ready', status: 'False', reason: 'not valid', message: '' },
        { generation: 1, now: T0 },
      ),
    ).toThrow(TypeError);
  });

  it('ConditionSet edits a working copy for reconcile steps', () => {
    const set = new ConditionSet([], { generation: 3, now: () => T0 });
    set.markTrue('ArtifactInStorage', 'Succeeded', 'stored');
    set.markFalse('SourceVerified', 'VerificationError', 'bad signature');
    expect(set.isTrue('ArtifactInStorage')).toBe(true);
    expect(set.isFalse('SourceVerified')).toBe(true);
    set.delete('SourceVerified');
    expect(set.has('SourceVerified')).toBe(false);
    expect(set.toList()).toEqual([
      expect.objectContaining({ type: 'ArtifactInStorage', observedGeneration: 3 }),
    ]);
  });
});

describe('summarizeStatus and kstatus', () => {
  const ctx = (generation: number, now = T1) => ({ generation, now });

  it('a new object is InProgress while it is worked on, Current after success', () => {
    const fresh: FluxStatus = { observedGeneration: -1 };
    expect(computeKStatus(obj(1, fresh)).status).toBe('InProgress');
    expect(needsProgressMark(fresh, 1)).toBe(true);
    const working = markProgressing(fresh, 'reconciling new object generation (1)', ctx(1, T0));
    expect(types(working.conditions)).toEqual(['Reconciling=True', 'Ready=Unknown']);
    expect(working.conditions?.[0]?.reason).toBe('Progressing');
    expect(working.observedGeneration).toBe(-1);
    const done = summarizeStatus(
      working,
      { kind: 'succeeded', reason: 'Succeeded', message: 'stored' },
      ctx(1),
    );
    expect(types(done.conditions)).toEqual(['Ready=True']);
    expect(done.observedGeneration).toBe(1);
    expect(done.conditions?.[0]).toMatchObject({ reason: 'Succeeded', observedGeneration: 1 });
    expect(computeKStatus(obj(1, done))).toEqual({ status: 'Current', message: 'stored' });
    expect(needsProgressMark(done, 1)).toBe(false);
    expect(needsProgressMark(done, 2)).toBe(true);
  });

  it('a failure keeps Reconciling=True with ProgressingWithRetry and leaves observedGeneration behind', () => {
    const working = markProgressing({ observedGeneration: 1 }, 'building', ctx(2, T0));
    const failed = summarizeStatus(
      working,
      { kind: 'failed', reason: 'GitOperationFailed', message: 'auth' },
      ctx(2),
    );
    expect(types(failed.conditions)).toEqual(['Reconciling=True', 'Ready=False']);
    expect(failed.conditions?.[0]).toMatchObject({ reason: 'ProgressingWithRetry', message: 'building' });
    expect(failed.conditions?.[1]).toMatchObject({ reason: 'GitOperationFailed', message: 'auth' });
    expect(failed.observedGeneration).toBe(1);
    expect(computeKStatus(obj(2, failed)).status).toBe('InProgress');
    // The retry starts as ProgressingWithRetry too.
    const retry = markProgressing(failed, 'building', ctx(2));
    expect(retry.conditions?.map((c) => c.reason)).toEqual(['ProgressingWithRetry', 'ProgressingWithRetry']);
  });

  it('waiting on a dependency is Ready=False with the wait reason, InProgress', () => {
    const working = markProgressing({}, 'x', ctx(1, T0));
    const waiting = summarizeStatus(
      working,
      { kind: 'waiting', reason: 'DependencyNotReady', message: "dependency 'infra' is not ready" },
      ctx(1),
    );
    expect(types(waiting.conditions)).toEqual(['Reconciling=True', 'Ready=False']);
    expect(waiting.conditions?.[1]?.reason).toBe('DependencyNotReady');
    expect(computeKStatus(obj(1, waiting)).status).toBe('InProgress');
  });

  it('a stall is Stalled=True + Ready=False at the observed generation: Failed, and cleared on the next attempt', () => {
    const working = markProgressing({}, 'x', ctx(4, T0));
    const stalled = summarizeStatus(
      working,
      { kind: 'stalled', reason: 'InvalidURL', message: 'bad url' },
      ctx(4),
    );
    expect(types(stalled.conditions)).toEqual(['Stalled=True', 'Ready=False']);
    expect(stalled.observedGeneration).toBe(4);
    expect(computeKStatus(obj(4, stalled))).toEqual({ status: 'Failed', message: 'bad url' });
    const again = markProgressing(stalled, 'retry', ctx(5));
    expect(types(again.conditions)).toEqual(['Reconciling=True', 'Ready=Unknown']);
    const fixed = summarizeStatus(again, { kind: 'succeeded', reason: 'Succeeded', message: 'ok' }, ctx(5));
    expect(types(fixed.conditions)).toEqual(['Ready=True']);
    expect(computeKStatus(obj(5, fixed)).status).toBe('Current');
  });

  it('a step asking to come back keeps the object in progress', () => {
    const working = markProgressing({ observedGeneration: 1 }, 'x', ctx(2, T0));
    const progressing = summarizeStatus(
      working,
      { kind: 'progressing', reason: 'Progressing', message: 'waiting for health checks' },
      ctx(2),
    );
    expect(types(progressing.conditions)).toEqual(['Reconciling=True', 'Ready=Unknown']);
    expect(progressing.observedGeneration).toBe(1);
    expect(computeKStatus(obj(2, progressing))).toEqual({
      status: 'InProgress',
      message: expect.any(String),
    });
  });

  it('keeps other conditions and fields, and copies requestedAt into lastHandledReconcileAt', () => {
    const status: FluxStatus = {
      artifact: { revision: 'r1' },
      conditions: setCondition(
        [],
        { type: 'ArtifactInStorage', status: 'True', reason: 'Succeeded', message: 'm' },
        ctx(1),
      ),
    };
    const done = summarizeStatus(
      status,
      { kind: 'succeeded', reason: 'Succeeded', message: 'ok' },
      { ...ctx(1), requestedAt: 'tok-1' },
    );
    expect(done.artifact).toEqual({ revision: 'r1' });
    expect(types(done.conditions)).toEqual(['Ready=True', 'ArtifactInStorage=True']);
    expect(done.lastHandledReconcileAt).toBe('tok-1');
    const later = summarizeStatus(done, { kind: 'succeeded', reason: 'Succeeded', message: 'ok' }, ctx(1));
    expect(later.lastHandledReconcileAt).toBe('tok-1');
  });

  it('kstatus: Terminating first, then generation, Reconciling, Stalled, Ready; no conditions is Current', () => {
    expect(computeKStatus(obj(1, { observedGeneration: 1 }, '2024-05-01T12:00:00Z')).status).toBe(
      'Terminating',
    );
    expect(computeKStatus(obj(1, {})).status).toBe('Current');
    expect(computeKStatus({ metadata: { generation: 1 } }).status).toBe('Current');
  });
});
