import { describe, expect, it } from 'vitest';
import { builtinSchemaFor } from './builtin-schemas.js';
import { ApplyConflictError } from './errors.js';
import { formatFieldPath } from './field-path.js';
import { FieldSet } from './field-set.js';
import type { JsonObject } from './json.js';
import type { ManagedFieldsEntry } from './managed-fields.js';
import { schemaFromOpenAPI } from './openapi-schema.js';
import { recordUpdate } from './record-update.js';
import type { TypeSchema } from './schema.js';
import {
  BEFORE_FIRST_APPLY_MANAGER,
  serverSideApply,
  type ServerSideApplyOptions,
} from './server-side-apply.js';

const schema = builtinSchemaFor('apps/v1', 'Deployment') as TypeSchema;
const T0 = '2024-05-01T12:00:00Z';
const T1 = new Date('2024-05-01T12:05:00.250Z');

function config(spec?: JsonObject, metadata: JsonObject = {}): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', ...metadata },
    ...(spec ? { spec } : {}),
  };
}

function apply(
  live: JsonObject | undefined,
  applied: JsonObject,
  manager: string,
  extra: Partial<ServerSideApplyOptions> = {},
) {
  return serverSideApply({ live, applied, manager, schema, apiVersion: 'apps/v1', now: T0, ...extra });
}

function entry(
  entries: readonly ManagedFieldsEntry[],
  manager: string,
  operation = 'Apply',
  subresource?: string,
) {
  return entries.find(
    (e) => e.manager === manager && e.operation === operation && e.subresource === subresource,
  );
}

function owned(
  entries: readonly ManagedFieldsEntry[],
  manager: string,
  operation = 'Apply',
  subresource?: string,
): string[] {
  const found = entry(entries, manager, operation, subresource);
  return found ? FieldSet.fromFieldsV1(found.fieldsV1).paths().map(formatFieldPath) : [];
}

function spec(object: JsonObject): JsonObject {
  return object.spec as JsonObject;
}

function conflictOf(action: () => unknown): ApplyConflictError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ApplyConflictError);
    return error as ApplyConflictError;
  }
  throw new Error('expected an apply conflict');
}

const containers = (object: JsonObject) =>
  ((spec(object).template as JsonObject).spec as JsonObject).containers as JsonObject[];

const podSpec = (items: JsonObject[]): JsonObject => ({ template: { spec: { containers: items } } });

describe('serverSideApply: ownership', () => {
  it('creates the object with one Apply entry owning exactly the applied fields', () => {
    const { object, managedFields } = apply(
      undefined,
      config({ replicas: 2 }, { labels: { app: 'web' } }),
      'flux',
    );
    expect(spec(object).replicas).toBe(2);
    expect(managedFields).toEqual([
      {
        manager: 'flux',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:replicas': {} } },
      },
    ]);
    expect((object.metadata as JsonObject).managedFields).toEqual(managedFields);
  });

  it('an identical re-apply changes nothing, timestamps included', () => {
    const first = apply(undefined, config({ replicas: 2 }), 'flux');
    const again = apply(first.object, config({ replicas: 2 }), 'flux', { now: T1 });
    expect(again.object).toEqual(first.object);
    expect(again.managedFields).toEqual(first.managedFields);
  });

  it('a changing re-apply updates the value and the timestamp', () => {
    const first = apply(undefined, config({ replicas: 2 }), 'flux');
    const second = apply(first.object, config({ replicas: 3 }), 'flux', { now: T1 });
    expect(spec(second.object).replicas).toBe(3);
    expect(entry(second.managedFields, 'flux')?.time).toBe('2024-05-01T12:05:00Z');
  });

  it('applying the value another manager owns shares ownership without conflict', () => {
    const first = apply(undefined, config({ replicas: 2 }), 'a');
    const second = apply(first.object, config({ replicas: 2, paused: false }), 'b');
    expect(owned(second.managedFields, 'a')).toEqual(['.spec.replicas']);
    expect(owned(second.managedFields, 'b')).toEqual(['.spec.paused', '.spec.replicas']);
  });

  it('does not own identity metadata, apiVersion or kind', () => {
    const { managedFields } = apply(undefined, config(undefined, { labels: { a: 'b' } }), 'flux');
    expect(owned(managedFields, 'flux')).toEqual(['.metadata.labels.a']);
  });

  it('owns an empty object it applies', () => {
    const { managedFields } = apply(undefined, config({}), 'flux');
    expect(owned(managedFields, 'flux')).toEqual(['.spec']);
  });

  it('ignores managedFields sent in the body', () => {
    const body = config(
      { replicas: 1 },
      { managedFields: [{ manager: 'evil', operation: 'Apply', fieldsV1: {} }] },
    );
    const { managedFields } = apply(undefined, body, 'flux');
    expect(managedFields.map((e) => e.manager)).toEqual(['flux']);
  });
});

describe('serverSideApply: conflicts and force', () => {
  it('conflicts with another Apply manager over a differing value', () => {
    const first = apply(undefined, config({ replicas: 2 }), 'a');
    const error = conflictOf(() => apply(first.object, config({ replicas: 3 }), 'b'));
    expect(error.code).toBe('APPLY_CONFLICT');
    expect(error.conflicts).toEqual([
      { manager: 'a', operation: 'Apply', apiVersion: 'apps/v1', field: '.spec.replicas' },
    ]);
    expect(error.message).toBe('Apply failed with 1 conflict: conflict with "a": .spec.replicas');
    expect(error.causes).toEqual([
      { reason: 'FieldManagerConflict', message: 'conflict with "a"', field: '.spec.replicas' },
    ]);
  });

  it('conflicts with an Update owner, naming its API version', () => {
    const created = apply(undefined, config({ replicas: 2 }), 'flux');
    const edited = recordUpdate({
      previous: created.object,
      next: { ...created.object, spec: { replicas: 5 } },
      manager: 'kubectl-edit',
      schema,
      apiVersion: 'apps/v1',
      now: T0,
    });
    const error = conflictOf(() => apply(edited.object, config({ replicas: 2 }), 'flux'));
    expect(error.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas',
    );
    expect(error.causes[0]?.message).toBe('conflict with "kubectl-edit" using apps/v1');
  });

  it('lists several conflicts grouped by manager', () => {
    let live = apply(undefined, config({ replicas: 2, paused: false }), 'a').object;
    live = apply(live, config({ minReadySeconds: 5 }), 'b').object;
    const error = conflictOf(() =>
      apply(live, config({ replicas: 3, paused: true, minReadySeconds: 1 }), 'c'),
    );
    expect(error.conflicts.map((c) => `${c.manager} ${c.field}`)).toEqual([
      'a .spec.paused',
      'a .spec.replicas',
      'b .spec.minReadySeconds',
    ]);
    expect(error.message).toBe(
      'Apply failed with 3 conflicts: conflicts with "a":\n- .spec.paused\n- .spec.replicas\nconflicts with "b":\n- .spec.minReadySeconds',
    );
  });

  it('force takes the field from its owner', () => {
    const first = apply(undefined, config({ replicas: 2, paused: false }), 'a');
    const forced = apply(first.object, config({ replicas: 3 }), 'b', { force: true });
    expect(spec(forced.object).replicas).toBe(3);
    expect(owned(forced.managedFields, 'a')).toEqual(['.spec.paused']);
    expect(owned(forced.managedFields, 'b')).toEqual(['.spec.replicas']);
  });

  it('force removes an owner whose last field it takes', () => {
    const first = apply(undefined, config({ replicas: 2 }), 'a');
    const forced = apply(first.object, config({ replicas: 3 }), 'b', { force: true });
    expect(forced.managedFields.map((e) => e.manager)).toEqual(['b']);
  });

  it('atomic lists and maps conflict as a whole', () => {
    const first = apply(
      undefined,
      config({ ...podSpec([{ name: 'web', args: ['-a'] }]), selector: { matchLabels: { a: '1' } } }),
      'a',
    );
    const error = conflictOf(() =>
      apply(
        first.object,
        config({ ...podSpec([{ name: 'web', args: ['-b'] }]), selector: { matchLabels: { a: '2' } } }),
        'b',
      ),
    );
    expect(error.conflicts.map((c) => c.field)).toEqual([
      '.spec.selector',
      '.spec.template.spec.containers[name="web"].args',
    ]);
  });

  it('conflicts with the object owner recorded before the first apply', () => {
    const legacy = config({ replicas: 4 });
    const error = conflictOf(() => apply(legacy, config({ replicas: 1 }), 'flux'));
    expect(error.conflicts).toEqual([
      {
        manager: BEFORE_FIRST_APPLY_MANAGER,
        operation: 'Update',
        apiVersion: 'apps/v1',
        field: '.spec.replicas',
      },
    ]);
    const forced = apply(legacy, config({ replicas: 1 }), 'flux', { force: true });
    expect(forced.managedFields.map((e) => `${e.manager}/${e.operation}`)).toEqual(['flux/Apply']);
  });
});

describe('serverSideApply: removing what a manager stops applying', () => {
  it('removes fields the manager applied before and omits now', () => {
    const first = apply(
      undefined,
      config({ replicas: 2, paused: true }, { labels: { a: '1', b: '2' } }),
      'flux',
    );
    const second = apply(first.object, config({ replicas: 2 }, { labels: { a: '1' } }), 'flux');
    expect(spec(second.object)).toEqual({ replicas: 2 });
    expect((second.object.metadata as JsonObject).labels).toEqual({ a: '1' });
    expect(owned(second.managedFields, 'flux')).toEqual(['.metadata.labels.a', '.spec.replicas']);
  });

  it('keeps a field another Apply manager also owns, dropping only the claim', () => {
    let live = apply(undefined, config(undefined, { labels: { shared: 'x', mine: 'y' } }), 'a').object;
    live = apply(live, config(undefined, { labels: { shared: 'x' } }), 'b').object;
    const result = apply(live, config(), 'a');
    expect((result.object.metadata as JsonObject).labels).toEqual({ shared: 'x' });
    expect(entry(result.managedFields, 'a')).toBeUndefined();
    expect(owned(result.managedFields, 'b')).toEqual(['.metadata.labels.shared']);
  });

  it('keeps a field an Update manager took over', () => {
    const created = apply(undefined, config({ replicas: 2, paused: true }), 'flux');
    const edited = recordUpdate({
      previous: created.object,
      next: { ...created.object, spec: { replicas: 2, paused: false } },
      manager: 'editor',
      schema,
      apiVersion: 'apps/v1',
      now: T0,
    });
    const result = apply(edited.object, config({ replicas: 2 }), 'flux');
    expect(spec(result.object)).toEqual({ replicas: 2, paused: false });
  });

  it('removes a whole struct nobody owns anything in any more', () => {
    const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } };
    const first = apply(undefined, config({ replicas: 1, strategy }), 'flux');
    const second = apply(first.object, config({ replicas: 1 }), 'flux');
    expect(spec(second.object)).toEqual({ replicas: 1 });
  });

  it('leaves fields nobody applied alone (server defaults stay)', () => {
    const first = apply(undefined, config({ replicas: 1, paused: true }), 'flux');
    const defaulted = { ...first.object, spec: { ...spec(first.object), revisionHistoryLimit: 10 } };
    const second = apply(defaulted, config({ replicas: 1 }), 'flux');
    expect(spec(second.object)).toEqual({ replicas: 1, revisionHistoryLimit: 10 });
  });

  it('a null in the applied object deletes the field and owns it', () => {
    const first = apply(undefined, config({ replicas: 2, paused: true }), 'flux');
    const second = apply(first.object, config({ replicas: 2, paused: null }), 'flux');
    expect(spec(second.object)).toEqual({ replicas: 2 });
    expect(owned(second.managedFields, 'flux')).toEqual(['.spec.paused', '.spec.replicas']);
  });
});

describe('serverSideApply: list topologies', () => {
  it('set lists (finalizers) union across managers and shrink per owner', () => {
    let live = apply(undefined, config(undefined, { finalizers: ['a.io/x'] }), 'a').object;
    const withB = apply(live, config(undefined, { finalizers: ['b.io/y'] }), 'b');
    expect((withB.object.metadata as JsonObject).finalizers).toEqual(['a.io/x', 'b.io/y']);
    expect(owned(withB.managedFields, 'b')).toEqual(['.metadata.finalizers[="b.io/y"]']);
    live = apply(withB.object, config(undefined, { finalizers: [] }), 'a').object;
    expect((live.metadata as JsonObject).finalizers).toEqual(['b.io/y']);
  });

  it('map lists merge per item: two managers own different containers and ports', () => {
    let live = apply(
      undefined,
      config(podSpec([{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }])),
      'a',
    ).object;
    const both = apply(
      live,
      config(
        podSpec([
          { name: 'web', ports: [{ containerPort: 443 }] },
          { name: 'sidecar', image: 'envoy' },
        ]),
      ),
      'b',
    );
    expect(containers(both.object)).toEqual([
      { name: 'web', image: 'nginx', ports: [{ containerPort: 80 }, { containerPort: 443 }] },
      { name: 'sidecar', image: 'envoy' },
    ]);
    expect(owned(both.managedFields, 'b')).toEqual([
      '.spec.template.spec.containers[name="sidecar"]',
      '.spec.template.spec.containers[name="sidecar"].image',
      '.spec.template.spec.containers[name="sidecar"].name',
      '.spec.template.spec.containers[name="web"]',
      '.spec.template.spec.containers[name="web"].name',
      '.spec.template.spec.containers[name="web"].ports[containerPort=443,protocol="TCP"]',
      '.spec.template.spec.containers[name="web"].ports[containerPort=443,protocol="TCP"].containerPort',
    ]);
    // b gives up its port and sidecar; web stays because a still owns it.
    live = apply(both.object, config(podSpec([])), 'b').object;
    expect(containers(live)).toEqual([{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }]);
  });

  it('custom resource lists without a list type are atomic', () => {
    const crSchema = schemaFromOpenAPI({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            hosts: { type: 'array', items: { type: 'string' } },
            tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
          },
        },
      },
    });
    const widget = (specValue: JsonObject) => ({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      spec: specValue,
    });
    const opts = { schema: crSchema, apiVersion: 'example.com/v1' };
    const first = apply(undefined, widget({ hosts: ['a'], tags: ['x'] }), 'a', opts);
    const error = conflictOf(() => apply(first.object, widget({ hosts: ['b'] }), 'b', opts));
    expect(error.conflicts.map((c) => c.field)).toEqual(['.spec.hosts']);
    const tags = apply(first.object, widget({ tags: ['y'] }), 'b', opts);
    expect(spec(tags.object).tags).toEqual(['x', 'y']);
  });
});

describe('serverSideApply: status and subresources', () => {
  const status = { observedGeneration: 1, replicas: 1 };

  it('drops status applied to the main resource of a kind with a status subresource', () => {
    const created = apply(undefined, config({ replicas: 1 }), 'flux', { statusSubresource: true });
    const live = { ...created.object, status };
    const result = apply(live, { ...config({ replicas: 2 }), status: { replicas: 9 } }, 'flux', {
      statusSubresource: true,
    });
    expect(result.object.status).toEqual(status);
    expect(owned(result.managedFields, 'flux')).toEqual(['.spec.replicas']);
  });

  it('applies only status on /status, recorded with subresource "status"', () => {
    const created = apply(undefined, config({ replicas: 1 }), 'flux', { statusSubresource: true });
    const body = {
      ...config({ replicas: 7 }, { labels: { no: 'pe' } }),
      status: { replicas: 1, readyReplicas: 1 },
    };
    const result = apply(created.object, body, 'controller', {
      subresource: 'status',
      statusSubresource: true,
    });
    expect(spec(result.object)).toEqual({ replicas: 1 });
    expect((result.object.metadata as JsonObject).labels).toBeUndefined();
    expect(result.object.status).toEqual({ replicas: 1, readyReplicas: 1 });
    expect(owned(result.managedFields, 'controller', 'Apply', 'status')).toEqual([
      '.status.readyReplicas',
      '.status.replicas',
    ]);
    expect(entry(result.managedFields, 'controller', 'Apply', 'status')?.subresource).toBe('status');
  });

  it('keeps one entry per manager, operation and subresource', () => {
    let write = apply(undefined, config({ replicas: 1 }), 'flux', { statusSubresource: true });
    write = recordUpdate({
      previous: write.object,
      next: {
        ...write.object,
        metadata: { ...(write.object.metadata as JsonObject), annotations: { a: 'b' } },
      },
      manager: 'flux',
      schema,
      apiVersion: 'apps/v1',
      now: T0,
    });
    write = apply(write.object, { ...config(), status: { replicas: 1 } }, 'flux', {
      subresource: 'status',
      statusSubresource: true,
    });
    write = apply(write.object, { ...config(), status: { replicas: 1, readyReplicas: 1 } }, 'flux', {
      subresource: 'status',
      statusSubresource: true,
    });
    expect(write.managedFields.map((e) => `${e.manager}/${e.operation}/${e.subresource ?? ''}`)).toEqual([
      'flux/Apply/',
      'flux/Apply/status',
      'flux/Update/',
    ]);
    expect(owned(write.managedFields, 'flux', 'Apply')).toEqual(['.spec.replicas']);
  });

  it('explicit resetFields override the status defaults', () => {
    const result = apply(
      undefined,
      { ...config({ replicas: 1, paused: true }), status: { replicas: 1 } },
      'flux',
      {
        resetFields: [
          [
            { kind: 'field', name: 'spec' },
            { kind: 'field', name: 'paused' },
          ],
        ],
      },
    );
    expect(spec(result.object)).toEqual({ replicas: 1 });
    expect(result.object.status).toEqual({ replicas: 1 });
  });
});
