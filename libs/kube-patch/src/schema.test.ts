import { describe, expect, it } from 'vitest';
import {
  builtinDefinitionSchema,
  builtinKinds,
  builtinSchemaFor,
  objectMetaSchema,
} from './builtin-schemas.js';
import { PatchError } from './errors.js';
import { schemaFromOpenAPI } from './openapi-schema.js';
import {
  fieldSchema,
  isDeclaredField,
  itemSchema,
  type ListSchema,
  type ObjectSchema,
  type TypeSchema,
} from './schema.js';

/** Follows field names (and `[]` for list items) from a schema. */
function at(schema: TypeSchema, ...steps: string[]): TypeSchema {
  return steps.reduce<TypeSchema>(
    (node, step) => (step === '[]' ? itemSchema(node) : fieldSchema(node, step)),
    schema,
  );
}

function list(schema: TypeSchema): ListSchema {
  if (schema.kind !== 'list') throw new Error(`expected a list, got ${schema.kind}`);
  return schema;
}

function object(schema: TypeSchema): ObjectSchema {
  if (schema.kind !== 'object') throw new Error(`expected an object, got ${schema.kind}`);
  return schema;
}

const deployment = () => builtinSchemaFor('apps/v1', 'Deployment') as ObjectSchema;
const podSpec = () => at(deployment(), 'spec', 'template', 'spec');

describe('built-in schemas', () => {
  it('indexes kinds by apiVersion and kind, core group without a prefix', () => {
    expect(builtinSchemaFor('apps/v1', 'Deployment')).toBeDefined();
    expect(builtinSchemaFor('v1', 'ConfigMap')).toBeDefined();
    expect(builtinSchemaFor('rbac.authorization.k8s.io/v1', 'ClusterRole')).toBeDefined();
    expect(builtinSchemaFor('apiextensions.k8s.io/v1', 'CustomResourceDefinition')).toBeDefined();
    expect(builtinSchemaFor('example.com/v1', 'Widget')).toBeUndefined();
    expect(builtinSchemaFor('v1', 'Deployment')).toBeUndefined();
    expect(builtinKinds()).toContain('batch/v1/Job');
    expect(builtinKinds()).not.toContain('v1/WatchEvent');
  });

  it('carries SMP merge keys for the lists kube-api.md names', () => {
    const cases: [TypeSchema, string][] = [
      [at(podSpec(), 'containers'), 'name'],
      [at(podSpec(), 'volumes'), 'name'],
      [at(podSpec(), 'containers', '[]', 'env'), 'name'],
      [at(podSpec(), 'containers', '[]', 'ports'), 'containerPort'],
      [at(podSpec(), 'containers', '[]', 'volumeMounts'), 'mountPath'],
      [at(deployment(), 'status', 'conditions'), 'type'],
      [at(builtinSchemaFor('v1', 'Service') as TypeSchema, 'spec', 'ports'), 'port'],
    ];
    for (const [schema, mergeKey] of cases) {
      expect(list(schema).patchMergeKey).toBe(mergeKey);
      expect(schema.patchStrategies).toContain('merge');
    }
    expect(at(podSpec(), 'volumes').patchStrategies).toEqual(['merge', 'retainKeys']);
    expect(list(at(podSpec(), 'containers', '[]', 'args')).patchStrategies).toEqual([]);
  });

  it('finalizers merge as a primitive list', () => {
    const finalizers = list(fieldSchema(objectMetaSchema(), 'finalizers'));
    expect(finalizers.patchStrategies).toEqual(['merge']);
    expect(finalizers.patchMergeKey).toBeUndefined();
  });

  it('SSA topology follows kube-api.md, not the SMP keys', () => {
    const ports = list(at(podSpec(), 'containers', '[]', 'ports'));
    expect(ports.listType).toBe('map');
    expect(ports.listMapKeys).toEqual(['containerPort', 'protocol']);
    expect(ports.keyDefaults).toEqual({ protocol: 'TCP' });
    const servicePorts = list(at(builtinSchemaFor('v1', 'Service') as TypeSchema, 'spec', 'ports'));
    expect(servicePorts.listMapKeys).toEqual(['port', 'protocol']);
    const owners = list(fieldSchema(objectMetaSchema(), 'ownerReferences'));
    expect([owners.listType, owners.listMapKeys]).toEqual(['map', ['uid']]);
    expect(list(fieldSchema(objectMetaSchema(), 'finalizers')).listType).toBe('set');
    expect(list(at(podSpec(), 'containers')).listMapKeys).toEqual(['name']);
    for (const atomic of [
      at(podSpec(), 'containers', '[]', 'args'),
      at(podSpec(), 'containers', '[]', 'command'),
      at(podSpec(), 'tolerations'),
      at(builtinSchemaFor('rbac.authorization.k8s.io/v1', 'ClusterRole') as TypeSchema, 'rules'),
      at(builtinSchemaFor('rbac.authorization.k8s.io/v1', 'RoleBinding') as TypeSchema, 'subjects'),
    ]) {
      expect(list(atomic).listType).toBe('atomic');
    }
  });

  it('label selectors are atomic maps; labels are granular maps of strings', () => {
    expect(object(at(deployment(), 'spec', 'selector')).mapType).toBe('atomic');
    const labels = object(fieldSchema(objectMetaSchema(), 'labels'));
    expect(labels.mapType).toBe('granular');
    expect(labels.fieldNames).toEqual([]);
    expect(fieldSchema(labels, 'anything')).toMatchObject({ kind: 'scalar', type: 'string' });
    expect(isDeclaredField(objectMetaSchema(), 'labels')).toBe(true);
    expect(isDeclaredField(labels, 'app')).toBe(false);
  });

  it('field-level strategies on references: Deployment strategy retainKeys, PDB selector replace', () => {
    expect(at(deployment(), 'spec', 'strategy').patchStrategies).toEqual(['retainKeys']);
    expect(object(at(deployment(), 'spec', 'strategy')).field('rollingUpdate')).toBeDefined();
    const pdb = builtinSchemaFor('policy/v1', 'PodDisruptionBudget') as TypeSchema;
    expect(at(pdb, 'spec', 'selector').patchStrategies).toEqual(['replace']);
    expect(builtinDefinitionSchema('apps.v1.DeploymentStrategy').patchStrategies).toEqual([]);
  });

  it('inlines scalars and leaves raw extensions untyped', () => {
    expect(at(podSpec(), 'containers', '[]', 'resources', 'limits', 'cpu')).toMatchObject({ kind: 'scalar' });
    expect(at(deployment(), 'spec', 'strategy', 'rollingUpdate', 'maxSurge')).toMatchObject({
      kind: 'scalar',
      type: 'int-or-string',
    });
    expect(at(builtinSchemaFor('apps/v1', 'ControllerRevision') as TypeSchema, 'data').kind).toBe('untyped');
    expect(at(deployment(), 'metadata', 'creationTimestamp')).toMatchObject({
      kind: 'scalar',
      type: 'string',
    });
  });

  it('resolves recursive definitions lazily', () => {
    const crd = builtinSchemaFor('apiextensions.k8s.io/v1', 'CustomResourceDefinition') as TypeSchema;
    const props = at(
      crd,
      'spec',
      'versions',
      '[]',
      'schema',
      'openAPIV3Schema',
      'properties',
      'spec',
      'properties',
      'x',
    );
    expect(object(props).field('type')).toMatchObject({ kind: 'scalar' });
  });

  it('unknown fields are untyped', () => {
    expect(fieldSchema(deployment(), 'bogus')).toMatchObject({ kind: 'untyped' });
    expect(() => builtinDefinitionSchema('core.v1.Nope')).toThrow(PatchError);
  });
});

describe('schemaFromOpenAPI (CRD structural schemas)', () => {
  const widget = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          size: { type: 'integer' },
          tags: { type: 'array', items: { type: 'string' } },
          hosts: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
          ports: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['port', 'protocol'],
            items: {
              type: 'object',
              properties: { port: { type: 'integer' }, protocol: { type: 'string', default: 'TCP' } },
            },
          },
          selector: {
            type: 'object',
            'x-kubernetes-map-type': 'atomic',
            properties: { app: { type: 'string' } },
          },
          values: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          settings: { type: 'object', additionalProperties: { type: 'string' } },
          port: { 'x-kubernetes-int-or-string': true },
        },
      },
      status: { type: 'object', properties: { ready: { type: 'boolean' } } },
    },
  };

  it('maps list types, map keys with defaults, map types and unknown-field subtrees', () => {
    const schema = schemaFromOpenAPI(widget);
    expect(list(at(schema, 'spec', 'tags')).listType).toBe('atomic');
    expect(list(at(schema, 'spec', 'hosts')).listType).toBe('set');
    const ports = list(at(schema, 'spec', 'ports'));
    expect([ports.listType, ports.listMapKeys, ports.keyDefaults]).toEqual([
      'map',
      ['port', 'protocol'],
      { protocol: 'TCP' },
    ]);
    expect(object(at(schema, 'spec', 'selector')).mapType).toBe('atomic');
    expect(at(schema, 'spec', 'values').kind).toBe('untyped');
    expect(at(schema, 'spec', 'settings', 'anything')).toMatchObject({ kind: 'scalar', type: 'string' });
    expect(isDeclaredField(at(schema, 'spec', 'settings'), 'anything')).toBe(false);
    expect(at(schema, 'spec', 'port')).toMatchObject({ kind: 'scalar', type: 'int-or-string' });
  });

  it('gives resources apiVersion, kind and the full ObjectMeta', () => {
    const schema = schemaFromOpenAPI({
      ...widget,
      properties: { ...widget.properties, metadata: { type: 'object' } },
    });
    expect(list(at(schema, 'metadata', 'finalizers')).listType).toBe('set');
    expect(at(schema, 'apiVersion')).toMatchObject({ kind: 'scalar' });
    expect(at(schemaFromOpenAPI(widget, { resource: false }), 'metadata').kind).toBe('untyped');
  });

  it('embedded resources get ObjectMeta too; preserve-unknown objects with properties keep them', () => {
    const schema = schemaFromOpenAPI({
      type: 'object',
      properties: {
        template: {
          type: 'object',
          'x-kubernetes-embedded-resource': true,
          'x-kubernetes-preserve-unknown-fields': true,
          properties: { spec: { type: 'object', properties: { n: { type: 'integer' } } } },
        },
      },
    });
    expect(list(at(schema, 'template', 'metadata', 'ownerReferences')).listMapKeys).toEqual(['uid']);
    expect(at(schema, 'template', 'spec', 'n')).toMatchObject({ kind: 'scalar' });
    expect(at(schema, 'template', 'anything').kind).toBe('untyped');
  });

  it('rejects what is not a structural schema', () => {
    for (const bad of [
      'nope',
      { type: 'object', properties: [] },
      { type: 'array', 'x-kubernetes-list-type': 'bag', items: { type: 'string' } },
      { type: 'array', 'x-kubernetes-list-type': 'map', items: { type: 'object' } },
    ]) {
      expect(() => {
        const schema = schemaFromOpenAPI(bad, { resource: false });
        if (schema.kind === 'object') void schema.fieldNames;
      }).toThrow(PatchError);
    }
  });
});
