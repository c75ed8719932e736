import { describe, expect, it } from 'vitest';
import { builtinSchemaFor } from './builtin-schemas.js';
import { PatchError } from './errors.js';
import { fieldPath, formatFieldPath } from './field-path.js';
import { FieldSet } from './field-set.js';
import type { JsonObject } from './json.js';
import { schemaFromOpenAPI } from './openapi-schema.js';
import type { TypeSchema } from './schema.js';
import { compareValues, ensureNamedFieldsAreMembers, removeFields, toFieldSet } from './typed-fields.js';
import { mergeApplied } from './typed-merge.js';

const schema = builtinSchemaFor('apps/v1', 'Deployment') as TypeSchema;

const applied: JsonObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web' }, finalizers: ['example.com/x'] },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [{ name: 'web', image: 'nginx:1', args: ['-v'], ports: [{ containerPort: 80 }] }],
        nodeSelector: {},
      },
    },
  },
};

const paths = (set: FieldSet) => set.paths().map(formatFieldPath);

describe('toFieldSet', () => {
  it('owns leaves, map keys, keyed items, set values; atomic values as a whole', () => {
    expect(paths(toFieldSet(applied, schema))).toEqual([
      '.apiVersion',
      '.kind',
      '.metadata.finalizers[="example.com/x"]',
      '.metadata.labels.app',
      '.metadata.name',
      '.spec.replicas',
      '.spec.selector',
      '.spec.template.metadata.labels.app',
      '.spec.template.spec.containers[name="web"]',
      '.spec.template.spec.containers[name="web"].args',
      '.spec.template.spec.containers[name="web"].image',
      '.spec.template.spec.containers[name="web"].name',
      '.spec.template.spec.containers[name="web"].ports[containerPort=80,protocol="TCP"]',
      '.spec.template.spec.containers[name="web"].ports[containerPort=80,protocol="TCP"].containerPort',
      '.spec.template.spec.nodeSelector',
    ]);
  });

  it('serialises like a real apply entry', () => {
    const fieldsV1 = toFieldSet(applied, schema).toFieldsV1() as Record<string, Record<string, unknown>>;
    expect(fieldsV1['f:spec']?.['f:selector']).toEqual({});
    expect(
      (
        (fieldsV1['f:spec']?.['f:template'] as Record<string, Record<string, Record<string, unknown>>>)[
          'f:spec'
        ]?.['f:containers'] as Record<string, unknown>
      )['k:{"name":"web"}'],
    ).toMatchObject({ '.': {}, 'f:image': {}, 'f:name': {} });
  });

  it('treats untyped objects as granular maps whose keys are all members', () => {
    const crSchema = schemaFromOpenAPI({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: { values: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      },
    });
    const set = toFieldSet({ spec: { values: { a: { b: 1 }, list: [1, 2] } } }, crSchema);
    expect(paths(set)).toEqual(['.spec.values.a', '.spec.values.a.b', '.spec.values.list']);
  });

  it('owns fields set to null', () => {
    expect(paths(toFieldSet({ spec: { replicas: null, template: null } }, schema))).toEqual([
      '.spec.replicas',
      '.spec.template',
    ]);
  });
});

describe('compareValues', () => {
  it('reports added, modified and removed paths', () => {
    const before: JsonObject = {
      metadata: { labels: { app: 'web', old: 'x' } },
      spec: {
        replicas: 1,
        template: { spec: { containers: [{ name: 'web', image: 'nginx:1' }, { name: 'gone' }] } },
      },
    };
    const after: JsonObject = {
      metadata: { labels: { app: 'web' }, annotations: { note: 'n' } },
      spec: {
        replicas: 3,
        template: {
          spec: {
            containers: [
              { name: 'web', image: 'nginx:1' },
              { name: 'new', image: 'x' },
            ],
          },
        },
      },
    };
    const { added, modified, removed } = compareValues(before, after, schema);
    expect(paths(modified)).toEqual(['.spec.replicas']);
    expect(paths(added)).toEqual([
      '.metadata.annotations',
      '.metadata.annotations.note',
      '.spec.template.spec.containers[name="new"]',
      '.spec.template.spec.containers[name="new"].image',
      '.spec.template.spec.containers[name="new"].name',
    ]);
    expect(paths(removed)).toEqual([
      '.metadata.labels.old',
      '.spec.template.spec.containers[name="gone"]',
      '.spec.template.spec.containers[name="gone"].name',
    ]);
  });

  it('compares atomic values whole', () => {
    const before = {
      spec: {
        selector: { matchLabels: { a: '1' } },
        template: { spec: { containers: [{ name: 'c', args: ['x'] }] } },
      },
    };
    const after = {
      spec: {
        selector: { matchLabels: { a: '2' } },
        template: { spec: { containers: [{ name: 'c', args: ['y'] }] } },
      },
    };
    expect(paths(compareValues(before, after, schema).modified)).toEqual([
      '.spec.selector',
      '.spec.template.spec.containers[name="c"].args',
    ]);
  });

  it('treats empty containers as leaves and never owns struct fields as a whole', () => {
    const { added } = compareValues(
      { spec: {} },
      { spec: { template: { spec: { nodeSelector: {} } } } },
      schema,
    );
    expect(paths(added)).toEqual(['.spec.template.spec.nodeSelector']);
    const removed = compareValues({ spec: { strategy: { type: 'Recreate' } } }, { spec: {} }, schema).removed;
    expect(paths(removed)).toEqual(['.spec.strategy.type']);
  });
});

describe('mergeApplied', () => {
  it('merges maps per key, keyed lists per item and replaces atomic values', () => {
    const live: JsonObject = {
      metadata: { name: 'web', labels: { team: 'a' }, finalizers: ['keep'] },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web', tier: 'x' } },
        template: {
          spec: {
            containers: [
              { name: 'sidecar', image: 'envoy' },
              {
                name: 'web',
                image: 'nginx:0',
                args: ['-a', '-b'],
                terminationMessagePath: '/dev/termination-log',
              },
            ],
          },
        },
      },
    };
    const merged = mergeApplied(live, applied, schema) as JsonObject;
    expect(merged.metadata).toEqual({
      name: 'web',
      labels: { team: 'a', app: 'web' },
      finalizers: ['keep', 'example.com/x'],
    });
    const spec = merged.spec as JsonObject;
    expect(spec.selector).toEqual({ matchLabels: { app: 'web' } });
    const containers = ((spec.template as JsonObject).spec as JsonObject).containers as JsonObject[];
    expect(containers).toEqual([
      { name: 'sidecar', image: 'envoy' },
      {
        name: 'web',
        image: 'nginx:1',
        args: ['-v'],
        terminationMessagePath: '/dev/termination-log',
        ports: [{ containerPort: 80 }],
      },
    ]);
  });

  it('follows the applied order for items it names, keeping live-only items near their neighbours', () => {
    const live = {
      spec: { template: { spec: { containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] } } },
    };
    const config = {
      spec: { template: { spec: { containers: [{ name: 'c' }, { name: 'new' }, { name: 'b' }] } } },
    };
    const merged = mergeApplied(live, config, schema) as JsonObject;
    const containers = (((merged.spec as JsonObject).template as JsonObject).spec as JsonObject)
      .containers as JsonObject[];
    expect(containers.map((container) => container.name)).toEqual(['a', 'c', 'new', 'b']);
  });

  it('deletes fields applied as null', () => {
    expect(mergeApplied({ spec: { replicas: 1, paused: true } }, { spec: { paused: null } }, schema)).toEqual(
      { spec: { replicas: 1 } },
    );
  });

  it('rejects duplicate keys in an applied map or set list', () => {
    const config: JsonObject = {
      spec: { template: { spec: { containers: [{ name: 'a' }, { name: 'a', image: 'x' }] } } },
    };
    const live = { spec: { template: { spec: { containers: [{ name: 'b' }] } } } };
    expect(() => mergeApplied(live, config, schema)).toThrow(PatchError);
    expect(() => toFieldSet(config, schema)).toThrow(PatchError);
    expect(() => toFieldSet({ metadata: { finalizers: ['x', 'x'] } }, schema)).toThrow(PatchError);
  });

  it('matches applied ports without protocol to defaulted TCP ports', () => {
    const live = {
      spec: {
        template: {
          spec: {
            containers: [{ name: 'w', ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }] }],
          },
        },
      },
    };
    const config = {
      spec: {
        template: { spec: { containers: [{ name: 'w', ports: [{ containerPort: 80, hostPort: 8080 }] }] } },
      },
    };
    const merged = mergeApplied(live, config, schema) as JsonObject;
    const container = (
      (((merged.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[]
    )[0];
    expect(container?.ports).toEqual([{ containerPort: 80, protocol: 'TCP', name: 'http', hostPort: 8080 }]);
  });
});

describe('removeFields and ensureNamedFieldsAreMembers', () => {
  it('removes members with their subtrees, from maps and keyed lists', () => {
    const remove = FieldSet.fromPaths([
      fieldPath('metadata', 'labels', 'app'),
      [...fieldPath('spec', 'template', 'spec', 'containers'), { kind: 'key', fields: { name: 'web' } }],
      fieldPath('spec', 'selector'),
    ]);
    const result = removeFields(applied, schema, remove) as JsonObject;
    expect((result.metadata as JsonObject).labels).toEqual({});
    expect((result.spec as JsonObject).selector).toBeUndefined();
    expect((((result.spec as JsonObject).template as JsonObject).spec as JsonObject).containers).toEqual([]);
    expect(applied.spec).toHaveProperty('selector');
  });

  it('makes declared struct fields with members below them members, but not map keys', () => {
    const set = FieldSet.fromPaths([
      fieldPath('spec', 'strategy', 'rollingUpdate', 'maxSurge'),
      fieldPath('metadata', 'labels', 'a'),
    ]);
    expect(paths(ensureNamedFieldsAreMembers(set, schema))).toEqual([
      '.metadata',
      '.metadata.labels',
      '.metadata.labels.a',
      '.spec',
      '.spec.strategy',
      '.spec.strategy.rollingUpdate',
      '.spec.strategy.rollingUpdate.maxSurge',
    ]);
  });
});
