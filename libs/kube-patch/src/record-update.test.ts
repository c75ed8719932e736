import { describe, expect, it } from 'vitest';
import { builtinSchemaFor } from './builtin-schemas.js';
import { formatFieldPath } from './field-path.js';
import { FieldSet } from './field-set.js';
import type { JsonObject } from './json.js';
import type { ManagedFieldsEntry } from './managed-fields.js';
import { recordUpdate, type RecordUpdateOptions } from './record-update.js';
import type { TypeSchema } from './schema.js';
import { serverSideApply } from './server-side-apply.js';

const schema = builtinSchemaFor('apps/v1', 'Deployment') as TypeSchema;
const T0 = '2024-05-01T12:00:00Z';
const T1 = '2024-05-01T13:00:00Z';

function deployment(spec: JsonObject, metadata: JsonObject = {}): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '1', ...metadata },
    spec,
  };
}

function update(
  previous: JsonObject | undefined,
  next: JsonObject,
  manager: string,
  extra: Partial<RecordUpdateOptions> = {},
) {
  return recordUpdate({ previous, next, manager, schema, apiVersion: 'apps/v1', now: T0, ...extra });
}

function owned(
  entries: readonly ManagedFieldsEntry[],
  manager: string,
  operation = 'Update',
  subresource?: string,
): string[] {
  const found = entries.find(
    (e) => e.manager === manager && e.operation === operation && e.subresource === subresource,
  );
  return found ? FieldSet.fromFieldsV1(found.fieldsV1).paths().map(formatFieldPath) : [];
}

/** The object with spec/metadata edits, keeping its managedFields (as a PUT of a GET result would). */
function edit(object: JsonObject, spec: JsonObject, metadata: JsonObject = {}): JsonObject {
  return { ...object, metadata: { ...(object.metadata as JsonObject), ...metadata }, spec };
}

describe('recordUpdate', () => {
  it('a create gives the creator an Update entry for everything but identity metadata', () => {
    const { object, managedFields } = update(
      undefined,
      deployment({ replicas: 1 }, { labels: { app: 'web' } }),
      'kubectl',
    );
    expect(managedFields).toHaveLength(1);
    expect(managedFields[0]).toMatchObject({
      manager: 'kubectl',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: T0,
    });
    expect(owned(managedFields, 'kubectl')).toEqual([
      '.metadata.labels',
      '.metadata.labels.app',
      '.spec.replicas',
    ]);
    expect((object.metadata as JsonObject).managedFields).toEqual(managedFields);
  });

  it('moves changed fields from an applier to the writer without conflict', () => {
    const applied = serverSideApply({
      live: undefined,
      applied: deployment({ replicas: 2, paused: false }),
      manager: 'flux',
      schema,
      apiVersion: 'apps/v1',
      now: T0,
    });
    const { managedFields } = update(
      applied.object,
      edit(applied.object, { replicas: 5, paused: false }),
      'hpa',
    );
    expect(owned(managedFields, 'flux', 'Apply')).toEqual(['.spec.paused']);
    expect(owned(managedFields, 'hpa')).toEqual(['.spec.replicas']);
  });

  it('removed fields leave every entry and empty entries vanish', () => {
    const created = update(undefined, deployment({ replicas: 1 }, { labels: { a: '1' } }), 'creator');
    const labelled = update(
      created.object,
      edit(created.object, { replicas: 1 }, { labels: { a: '1', b: '2' } }),
      'labeller',
    );
    expect(owned(labelled.managedFields, 'labeller')).toEqual(['.metadata.labels.b']);
    const metadata = { ...(labelled.object.metadata as JsonObject), labels: { a: '1' } };
    const { managedFields } = update(labelled.object, { ...labelled.object, metadata }, 'cleaner');
    expect(managedFields.map((e) => e.manager)).toEqual(['creator']);
  });

  it('a write that changes nothing keeps managedFields verbatim', () => {
    const created = update(undefined, deployment({ replicas: 1 }), 'creator');
    const again = update(created.object, structuredClone(created.object), 'someone-else', { now: T1 });
    expect(again.managedFields).toEqual(created.managedFields);
    expect(again.object).toEqual(created.object);
  });

  it('the same manager accumulates fields and its time moves only when it takes fields', () => {
    const created = update(undefined, deployment({ replicas: 1 }), 'ctl');
    const second = update(created.object, edit(created.object, { replicas: 1, paused: true }), 'ctl', {
      now: T1,
    });
    expect(owned(second.managedFields, 'ctl')).toEqual(['.spec.paused', '.spec.replicas']);
    expect(second.managedFields[0]?.time).toBe(T1);
    const resourceVersionOnly = edit(second.object, { replicas: 1, paused: true }, { resourceVersion: '9' });
    const third = update(second.object, resourceVersionOnly, 'other', { now: '2024-05-02T00:00:00Z' });
    expect(third.managedFields).toEqual(second.managedFields);
  });

  it('subresource writes get their own entry and ignore managedFields in the request', () => {
    const created = update(undefined, deployment({ replicas: 1 }), 'ctl');
    const next = {
      ...created.object,
      status: { replicas: 1 },
      metadata: { ...(created.object.metadata as JsonObject), managedFields: [] },
    };
    const { managedFields } = update(created.object, next, 'ctl', { subresource: 'status' });
    expect(managedFields.map((e) => `${e.manager}/${e.operation}/${e.subresource ?? ''}`)).toEqual([
      'ctl/Update/',
      'ctl/Update/status',
    ]);
    expect(owned(managedFields, 'ctl', 'Update', 'status')).toEqual(['.status.replicas']);
  });

  it('managedFields sent with a main-resource write replace the stored ones (e.g. removing a manager)', () => {
    const created = update(undefined, deployment({ replicas: 1 }), 'kubectl');
    const applied = serverSideApply({
      live: created.object,
      applied: deployment({ replicas: 1 }),
      manager: 'flux',
      schema,
      apiVersion: 'apps/v1',
      now: T0,
    });
    const entries = (applied.object.metadata as JsonObject).managedFields as unknown as ManagedFieldsEntry[];
    expect(entries.map((e) => e.manager).sort()).toEqual(['flux', 'kubectl']);
    const cleaned = edit(
      applied.object,
      { replicas: 1 },
      { managedFields: entries.filter((e) => e.manager !== 'kubectl') as never },
    );
    const { managedFields } = update(applied.object, cleaned, 'kustomize-controller');
    expect(managedFields.map((e) => e.manager)).toEqual(['flux']);
  });

  it('[{}] wipes managedFields, and an untracked object stays untracked until applied', () => {
    const created = update(undefined, deployment({ replicas: 1 }), 'kubectl');
    const wiped = update(
      created.object,
      edit(created.object, { replicas: 1 }, { managedFields: [{}] }),
      'kubectl',
    );
    expect(wiped.managedFields).toEqual([]);
    expect(wiped.object.metadata).not.toHaveProperty('managedFields');
    const later = update(wiped.object, edit(wiped.object, { replicas: 3 }), 'kubectl');
    expect(later.managedFields).toEqual([]);
    expect((later.object.spec as JsonObject).replicas).toBe(3);
  });
});
