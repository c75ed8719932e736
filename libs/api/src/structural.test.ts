import { describe, expect, it } from 'vitest';
import {
  applyDefaults,
  formatPath,
  pruneStructural,
  structuralViolations,
  validateStructural,
  type JSONSchemaProps,
} from './structural.js';

const root = (spec: JSONSchemaProps): JSONSchemaProps => ({
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec,
  },
});

const messages = (value: unknown, schema: JSONSchemaProps, ignoreRequired = false) =>
  validateStructural(value, schema, { ignoreRequired }).map((e) => e.message);

describe('validateStructural', () => {
  const schema = root({
    type: 'object',
    required: ['url', 'interval'],
    properties: {
      url: { type: 'string', pattern: '^(http|https|ssh)://.*$' },
      interval: { type: 'string', pattern: '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$' },
      provider: { type: 'string', enum: ['generic', 'aws'] },
      suspend: { type: 'boolean' },
      name: { type: 'string', minLength: 1, maxLength: 5 },
      replicas: { type: 'integer', minimum: 0, maximum: 3 },
      ratio: { type: 'number', minimum: 0, exclusiveMinimum: true },
      port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
      values: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      labels: { type: 'object', additionalProperties: { type: 'string', maxLength: 3 } },
      items: {
        type: 'array',
        maxItems: 2,
        minItems: 1,
        items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
      },
      at: { type: 'string', format: 'date-time' },
      note: { type: 'string', nullable: true },
    },
  });

  const valid = {
    apiVersion: 'x/v1',
    kind: 'X',
    spec: { url: 'https://example.com/repo', interval: '1m30s' },
  };

  it('accepts a valid object', () => {
    expect(messages(valid, schema)).toEqual([]);
  });

  it('reports missing required fields with their path', () => {
    expect(messages({ spec: {} }, schema)).toEqual([
      'spec.url: Required value',
      'spec.interval: Required value',
    ]);
  });

  it('skips required fields for partial documents', () => {
    expect(messages({ spec: { suspend: true } }, schema, true)).toEqual([]);
  });

  it('reports pattern, enum, type, length and bound violations as the API server words them', () => {
    const spec = {
      ...valid.spec,
      url: 'git@github.com:org/repo',
      interval: '5 minutes',
      provider: 'gcp',
      suspend: 'yes',
      name: 'toolong',
      replicas: 4,
      ratio: 0,
    };
    expect(messages({ spec }, schema)).toEqual([
      `spec.url: Invalid value: "git@github.com:org/repo": spec.url in body should match '^(http|https|ssh)://.*$'`,
      `spec.interval: Invalid value: "5 minutes": spec.interval in body should match '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$'`,
      'spec.provider: Unsupported value: "gcp": supported values: "generic", "aws"',
      'spec.suspend: Invalid value: "string": spec.suspend in body must be of type boolean: "string"',
      'spec.name: Too long: may not be longer than 5',
      'spec.replicas: Invalid value: 4: spec.replicas in body should be less than or equal to 3',
      'spec.ratio: Invalid value: 0: spec.ratio in body should be greater than 0',
    ]);
  });

  it('reports minLength and integer type violations', () => {
    expect(messages({ spec: { ...valid.spec, name: '', replicas: 1.5 } }, schema)).toEqual([
      'spec.name: Invalid value: "": spec.name in body should be at least 1 chars long',
      'spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"',
    ]);
  });

  it('gives errors a reason as in a 422 Status cause', () => {
    const errors = validateStructural({ spec: { interval: 3 } }, schema);
    expect(errors.map((e) => [e.type, e.field])).toEqual([
      ['FieldValueRequired', 'spec.url'],
      ['FieldValueTypeInvalid', 'spec.interval'],
    ]);
  });

  it('accepts int-or-string and free-form fields, rejects other types there', () => {
    const ok = { spec: { ...valid.spec, port: 80, values: { any: [{ nested: true }] } } };
    expect(messages(ok, schema)).toEqual([]);
    expect(messages({ spec: { ...valid.spec, port: 'http' } }, schema)).toEqual([]);
    expect(messages({ spec: { ...valid.spec, port: true } }, schema)).toEqual([
      'spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"',
    ]);
  });

  it('names map entries by key and list entries by index', () => {
    const spec = { ...valid.spec, labels: { team: 'toolong' }, items: [{ name: 'a' }, {}] };
    expect(messages({ spec }, schema)).toEqual([
      'spec.labels[team]: Too long: may not be longer than 3',
      'spec.items[1].name: Required value',
    ]);
  });

  it('checks item counts', () => {
    expect(messages({ spec: { ...valid.spec, items: [] } }, schema)).toEqual([
      'spec.items: Invalid value: []: spec.items in body should have at least 1 items',
    ]);
    const items = [{ name: 'a' }, { name: 'b' }, { name: 'c' }];
    expect(messages({ spec: { ...valid.spec, items } }, schema)).toEqual([
      'spec.items: Too many: 3: must have at most 2 items',
    ]);
  });

  it('checks date-time format', () => {
    expect(messages({ spec: { ...valid.spec, at: '2024-05-01T10:00:00Z' } }, schema)).toEqual([]);
    expect(messages({ spec: { ...valid.spec, at: 'yesterday' } }, schema)).toEqual([
      'spec.at: Invalid value: "yesterday": spec.at in body must be of type date-time: "yesterday"',
    ]);
  });

  it('accepts null only in nullable fields', () => {
    expect(messages({ spec: { ...valid.spec, note: null } }, schema)).toEqual([]);
    expect(messages({ spec: { ...valid.spec, suspend: null } }, schema)).toEqual([
      'spec.suspend: Invalid value: "null": spec.suspend in body must be of type boolean: "null"',
    ]);
  });

  it('rejects duplicates in set and map lists', () => {
    const lists: JSONSchemaProps = {
      type: 'object',
      properties: {
        set: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
        map: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', properties: { name: { type: 'string' }, v: { type: 'integer' } } },
        },
      },
    };
    const value = {
      set: ['a', 'b', 'a'],
      map: [
        { name: 'x', v: 1 },
        { name: 'x', v: 2 },
      ],
    };
    expect(messages(value, lists)).toEqual([
      'set[2]: Duplicate value: "a"',
      'map[1]: Duplicate value: {"name":"x"}',
    ]);
  });

  it('evaluates anyOf, oneOf and not as value validations', () => {
    const junctors: JSONSchemaProps = {
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'string' } },
      oneOf: [{ required: ['a'] }, { required: ['b'] }],
      not: { required: ['c'] },
    };
    expect(validateStructural({ a: 'x' }, junctors, { path: ['spec'] })).toEqual([]);
    expect(
      validateStructural({ a: 'x', b: 'y' }, junctors, { path: ['spec'] }).map((e) => e.message),
    ).toEqual([
      'spec: Invalid value: {"a":"x","b":"y"}: spec in body must validate one and only one schema (oneOf)',
    ]);
    expect(
      validateStructural({ a: 'x', c: 'z' }, junctors, { path: ['spec'] }).map((e) => e.message),
    ).toEqual(['spec: Invalid value: {"a":"x","c":"z"}: spec in body must not validate the schema (not)']);
    const anyOf: JSONSchemaProps = { type: 'string', anyOf: [{ maxLength: 1 }, { pattern: '^z' }] };
    expect(validateStructural('zzz', anyOf, { path: ['f'] })).toEqual([]);
    expect(validateStructural('abc', anyOf, { path: ['f'] }).map((e) => e.message)).toEqual([
      'f: Invalid value: "abc": f in body must validate at least one schema (anyOf)',
    ]);
  });
});

describe('pruneStructural', () => {
  const schema = root({
    type: 'object',
    properties: {
      known: { type: 'string' },
      values: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      labels: {
        type: 'object',
        additionalProperties: { type: 'object', properties: { a: { type: 'string' } } },
      },
      list: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
      empty: { type: 'object' },
    },
  });

  it('drops undeclared fields and reports them with their values', () => {
    const input = {
      apiVersion: 'x/v1',
      kind: 'X',
      metadata: { name: 'n', labels: { a: 'b' } },
      spec: {
        known: 'k',
        unknown: 1,
        values: { anything: { goes: true } },
        labels: { one: { a: 'x', b: 'y' } },
        list: [{ name: 'n', extra: true }],
        empty: { dropped: 1 },
      },
      extra: 'top',
    };
    const { value, pruned } = pruneStructural(input, schema);
    expect(value).toEqual({
      apiVersion: 'x/v1',
      kind: 'X',
      metadata: { name: 'n', labels: { a: 'b' } },
      spec: {
        known: 'k',
        values: { anything: { goes: true } },
        labels: { one: { a: 'x' } },
        list: [{ name: 'n' }],
        empty: {},
      },
    });
    expect(pruned.map((p) => [formatPath(p.path), p.value])).toEqual([
      ['spec.unknown', 1],
      ['spec.labels.one.b', 'y'],
      ['spec.list[0].extra', true],
      ['spec.empty.dropped', 1],
      ['extra', 'top'],
    ]);
    expect(input.spec.unknown).toBe(1);
  });

  it('keeps apiVersion, kind and metadata of embedded resources', () => {
    const embedded: JSONSchemaProps = {
      type: 'object',
      properties: {
        template: {
          type: 'object',
          'x-kubernetes-embedded-resource': true,
          properties: { spec: { type: 'object' } },
        },
      },
    };
    const { value } = pruneStructural(
      { template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, x: 1 } },
      embedded,
      {
        root: false,
      },
    );
    expect(value).toEqual({ template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } } });
  });
});

describe('applyDefaults', () => {
  const schema = root({
    type: 'object',
    properties: {
      timeout: { type: 'string', default: '60s' },
      ref: { type: 'object', properties: { branch: { type: 'string', default: 'master' } } },
      verify: {
        type: 'object',
        default: {},
        properties: { mode: { type: 'string', default: 'HEAD' } },
      },
      items: {
        type: 'array',
        items: { type: 'object', properties: { optional: { type: 'boolean', default: false } } },
      },
      note: { type: 'string' },
      nullable: { type: 'string', nullable: true },
    },
  });

  it('defaults absent fields, descending only into parents that exist (and defaulted ones)', () => {
    expect(applyDefaults({ spec: { items: [{}, { optional: true }] } }, schema)).toEqual({
      spec: { timeout: '60s', verify: { mode: 'HEAD' }, items: [{ optional: false }, { optional: true }] },
    });
    expect(applyDefaults({ spec: { ref: {} } }, schema).spec.ref).toEqual({ branch: 'master' });
  });

  it('replaces or drops nulls in non-nullable fields, keeps them in nullable ones', () => {
    expect(applyDefaults({ spec: { timeout: null, note: null, nullable: null } }, schema).spec).toEqual({
      timeout: '60s',
      verify: { mode: 'HEAD' },
      nullable: null,
    });
  });

  it('does not touch its input', () => {
    const input = { spec: {} };
    applyDefaults(input, schema);
    expect(input).toEqual({ spec: {} });
  });
});

describe('structuralViolations', () => {
  it('accepts a structural schema', () => {
    expect(
      structuralViolations(
        root({
          type: 'object',
          properties: {
            port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
            free: { 'x-kubernetes-preserve-unknown-fields': true },
            a: { type: 'string' },
          },
          oneOf: [{ required: ['a'] }, { required: ['port'] }],
        }),
      ),
    ).toEqual([]);
  });

  it('lists every rule a schema breaks', () => {
    const bad = {
      type: 'object',
      properties: {
        metadata: { type: 'object', properties: { labels: { type: 'object' } } },
        untyped: { description: 'no type' },
        both: {
          type: 'object',
          properties: { a: { type: 'string' } },
          additionalProperties: { type: 'string' },
        },
        union: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
        unique: { type: 'array', items: { type: 'string' }, uniqueItems: true },
        literal: { type: 'string', const: 'x' },
        badDefault: { type: 'integer', default: 'ten' },
        list: { type: 'array' },
        hidden: { type: 'object', anyOf: [{ properties: { secret: { type: 'string' } } }] },
      },
    } as unknown as JSONSchemaProps;
    expect(structuralViolations(bad)).toEqual([
      'untyped: type must be set',
      'both: properties and additionalProperties are mutually exclusive',
      'union: type must be set',
      'union: type must not be set inside a junctor',
      'union: type must not be set inside a junctor',
      'unique: uniqueItems: true is forbidden',
      'literal: keyword const is not allowed',
      'badDefault: default is invalid: badDefault: Invalid value: "string": badDefault in body must be of type integer: "string"',
      'list: arrays must declare items',
      'hidden.secret: type must not be set inside a junctor',
      'hidden: secret in a junctor is not declared outside it',
      'metadata: only name and generateName may be constrained',
    ]);
  });
});
