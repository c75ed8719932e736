import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { builtinSchemaFor } from './builtin-schemas.js';
import type { JsonObject } from './json.js';
import type { TypeSchema } from './schema.js';
import { createStrategicMergePatch } from './strategic-diff.js';
import { applyStrategicMergePatch } from './strategic-merge.js';

const schema = builtinSchemaFor('apps/v1', 'Deployment') as TypeSchema;

describe('createStrategicMergePatch', () => {
  it('lists changed and deleted items by merge key and pins the order', () => {
    const original = {
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'a', image: 'a:1' },
              { name: 'b', image: 'b:1' },
            ],
          },
        },
      },
    };
    const modified = { spec: { template: { spec: { containers: [{ name: 'b', image: 'b:2' }] } } } };
    expect(createStrategicMergePatch(original, modified, schema)).toEqual({
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'b', image: 'b:2' },
              { name: 'a', $patch: 'delete' },
            ],
            '$setElementOrder/containers': [{ name: 'b' }],
          },
        },
      },
    });
  });

  it('uses $deleteFromPrimitiveList for finalizers and nulls for removed fields', () => {
    const patch = createStrategicMergePatch(
      { metadata: { finalizers: ['a', 'b'], labels: { x: '1' } } },
      { metadata: { finalizers: ['b', 'c'] } },
      schema,
    );
    expect(patch).toEqual({
      metadata: {
        finalizers: ['c'],
        '$deleteFromPrimitiveList/finalizers': ['a'],
        '$setElementOrder/finalizers': ['b', 'c'],
        labels: null,
      },
    });
  });

  it('adds $retainKeys for retainKeys fields', () => {
    const patch = createStrategicMergePatch(
      { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } },
      { spec: { strategy: { type: 'Recreate' } } },
      schema,
    );
    expect(patch).toEqual({
      spec: { strategy: { type: 'Recreate', rollingUpdate: null, $retainKeys: ['type'] } },
    });
  });

  it('is empty when nothing changed', () => {
    const object = {
      spec: { template: { spec: { containers: [{ name: 'a', ports: [{ containerPort: 80 }] }] } } },
    };
    expect(createStrategicMergePatch(object, structuredClone(object), schema)).toEqual({});
  });

  it('round-trips through applyStrategicMergePatch', () => {
    const token = fc.constantFrom('a', 'b', 'c', 'd', 'e');
    const scalar = fc.oneof(token, fc.integer({ min: 0, max: 3 }), fc.boolean());
    const env = fc.uniqueArray(
      fc.record({ name: token, value: fc.option(token, { nil: undefined }) }, { requiredKeys: ['name'] }),
      {
        selector: (item) => item.name,
        maxLength: 3,
      },
    );
    const ports = fc.uniqueArray(fc.record({ containerPort: fc.integer({ min: 1, max: 4 }), name: token }), {
      selector: (item) => item.containerPort,
      maxLength: 3,
    });
    const container = fc.record(
      { name: token, image: token, args: fc.array(token, { maxLength: 3 }), env, ports },
      { requiredKeys: ['name'] },
    );
    const deployment = fc.record(
      {
        metadata: fc.record(
          {
            labels: fc.dictionary(token, token, { maxKeys: 3 }),
            finalizers: fc.uniqueArray(token, { maxLength: 4 }),
          },
          { requiredKeys: [] },
        ),
        spec: fc.record(
          {
            replicas: scalar,
            strategy: fc.record(
              { type: token, rollingUpdate: fc.record({ maxSurge: scalar }) },
              { requiredKeys: ['type'] },
            ),
            template: fc.record({
              spec: fc.record(
                {
                  containers: fc.uniqueArray(container, { selector: (item) => item.name, maxLength: 3 }),
                  nodeSelector: fc.dictionary(token, token, { maxKeys: 2 }),
                },
                { requiredKeys: ['containers'] },
              ),
            }),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    ) as fc.Arbitrary<JsonObject>;
    fc.assert(
      fc.property(deployment, deployment, (original, modified) => {
        const patch = createStrategicMergePatch(original, modified, schema);
        expect(applyStrategicMergePatch(original, patch, schema)).toEqual(modified);
      }),
      { numRuns: 300 },
    );
  });
});
