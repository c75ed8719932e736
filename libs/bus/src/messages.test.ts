import { describe, expect, it } from 'vitest';
import {
  addressOf,
  apiGroupOf,
  createArtifactAnnouncement,
  createReconcileEvent,
  createReconcileRequest,
  decodeMessage,
  encodeMessage,
  MESSAGE_TYPES,
  validateMessage,
} from './messages.js';
import { artifact, fluxEvent } from './test-support/fixtures.js';

describe('messages', () => {
  it('wraps a Flux event in a CloudEvents 1.0 envelope', () => {
    const event = fluxEvent();
    const message = createReconcileEvent(event, { source: '/flotilla/kustomize-controller' });
    expect(message).toMatchObject({
      specversion: '1.0',
      type: 'io.flotilla.event.v1',
      source: '/flotilla/kustomize-controller',
      subject: 'Kustomization/flux-system/podinfo',
      time: event.timestamp,
      datacontenttype: 'application/json',
      data: event,
    });
    expect(message.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(createReconcileEvent(event, { source: '/s' }).id).not.toBe(message.id);
  });

  it('keeps the Flux event JSON field order through serialisation', () => {
    const message = createReconcileEvent(fluxEvent(), { source: '/s', id: 'x' });
    const json = new TextDecoder().decode(encodeMessage(message));
    const data = JSON.stringify(JSON.parse(json).data);
    expect(Object.keys(JSON.parse(data))).toEqual([
      'involvedObject',
      'severity',
      'timestamp',
      'message',
      'reason',
      'metadata',
      'reportingController',
      'reportingInstance',
    ]);
    expect(decodeMessage(encodeMessage(message))).toEqual(message);
  });

  it('derives artifact and reconcile ids from their content so repeats de-duplicate', () => {
    const a = createArtifactAnnouncement(artifact(), { source: '/a' });
    expect(createArtifactAnnouncement(artifact(), { source: '/b' }).id).toBe(a.id);
    expect(
      createArtifactAnnouncement(artifact({ revision: 'main@sha1:' + 'f'.repeat(40) }), { source: '/a' }).id,
    ).not.toBe(a.id);
    const request = {
      kind: 'Kustomization',
      namespace: 'ns',
      name: 'app',
      requestedAt: '2024-05-01T10:00:00Z',
    };
    const r = createReconcileRequest(request, { source: '/a' });
    expect(r.id).toMatch(/^reconcile-[0-9a-f]{32}$/);
    expect(createReconcileRequest(request, { source: '/a' }).id).toBe(r.id);
    expect(createReconcileRequest({ ...request, requestedAt: 'other' }, { source: '/a' }).id).not.toBe(r.id);
    expect(createReconcileRequest(request, { source: '/a', id: 'chosen' }).id).toBe('chosen');
  });

  it('maps each message to its subject address', () => {
    expect(addressOf(createReconcileEvent(fluxEvent(), { source: '/s' }))).toEqual({
      type: 'event',
      group: 'kustomize.toolkit.fluxcd.io',
      kind: 'Kustomization',
      namespace: 'flux-system',
      name: 'podinfo',
    });
    expect(addressOf(createArtifactAnnouncement(artifact(), { source: '/s' }))).toEqual({
      type: 'artifact',
      kind: 'GitRepository',
      namespace: 'flux-system',
      name: 'podinfo',
    });
  });

  it('derives the API group from apiVersion, else from the Flux kind', () => {
    expect(apiGroupOf('GitRepository', 'source.toolkit.fluxcd.io/v1beta2')).toBe('source.toolkit.fluxcd.io');
    expect(apiGroupOf('ConfigMap', 'v1')).toBe('');
    expect(apiGroupOf('HelmRelease')).toBe('helm.toolkit.fluxcd.io');
    expect(apiGroupOf('Widget')).toBe('');
  });

  it('lists every problem of an invalid message', () => {
    const message = createReconcileEvent(fluxEvent(), { source: '/s', id: 'bad-1' }) as unknown as Record<
      string,
      unknown
    >;
    const data = message.data as Record<string, unknown>;
    data.severity = 'warning';
    data.involvedObject = { kind: 'Kustomization', name: 'x' };
    data.metadata = { key: 1 };
    message.time = 'yesterday';
    expect(() => validateMessage(message)).toThrow(
      'invalid CloudEvent bad-1: time must be an RFC 3339 time; data.involvedObject.namespace must be a non-empty string; data.severity must be one of trace, info, error; data.metadata must map strings to strings',
    );
  });

  it.each([
    ['not an object', 'x', /CloudEvent object/],
    [
      'a wrong specversion',
      {
        ...createReconcileRequest(
          { kind: 'K', namespace: 'n', name: 'x', requestedAt: '1' },
          { source: '/s' },
        ),
        specversion: '0.3',
      },
      /specversion/,
    ],
    [
      'an unknown type',
      {
        ...createReconcileRequest(
          { kind: 'K', namespace: 'n', name: 'x', requestedAt: '1' },
          { source: '/s' },
        ),
        type: 'x',
      },
      /type must be one of/,
    ],
    [
      'an artifact without digest',
      createArtifactAnnouncement({ ...artifact(), digest: '' }, { source: '/s' }),
      /data.digest/,
    ],
    [
      'a negative size',
      createArtifactAnnouncement({ ...artifact(), size: -1 }, { source: '/s' }),
      /data.size/,
    ],
    [
      'a request without a token',
      createReconcileRequest({ kind: 'K', namespace: 'n', name: 'x', requestedAt: '' }, { source: '/s' }),
      /requestedAt/,
    ],
  ])('rejects %s', (_label, value, problem) => {
    expect(() => validateMessage(value)).toThrow(problem);
  });

  it('rejects bodies that are not JSON CloudEvents', () => {
    expect(() => decodeMessage(new TextEncoder().encode('{'))).toThrow(/not JSON/);
    expect(() => decodeMessage(new TextEncoder().encode('{}'))).toThrow(/specversion/);
  });

  it('names stable CloudEvents types', () => {
    expect(MESSAGE_TYPES).toEqual({
      event: 'io.flotilla.event.v1',
      artifact: 'io.flotilla.artifact.announced.v1',
      reconcile: 'io.flotilla.reconcile.requested.v1',
    });
  });
});
