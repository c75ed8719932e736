import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { FreeFormRecord, IntOrString, LiteralEnum } from './common.js';
import { controllerOf, crdFor, toStructuralSchema } from './crd.js';
import { gitRepositoryKind, helmChartKind, externalArtifactKind } from './kinds/source.js';
import { kustomizationKind } from './kinds/kustomize.js';
import { allKinds } from './registry.js';
import { structuralViolations, type JSONSchemaProps } from './structural.js';

/** Every schema node with its path, including junctor branches. */
function* nodes(schema: JSONSchemaProps, path = ''): Generator<[string, JSONSchemaProps]> {
  yield [path || '<root>', schema];
  for (const [k, v] of Object.entries(schema.properties ?? {})) yield* nodes(v, path ? `${path}.${k}` : k);
  if (typeof schema.additionalProperties === 'object')
    yield* nodes(schema.additionalProperties, `${path}[*]`);
  if (schema.items) yield* nodes(schema.items, `${path}[]`);
}

describe('toStructuralSchema', () => {
  it('turns literal unions into enums and keeps defaults', () => {
    expect(toStructuralSchema(LiteralEnum(['a', 'b'], { default: 'a' }))).toEqual({
      type: 'string',
      enum: ['a', 'b'],
      default: 'a',
    });
    expect(toStructuralSchema(Type.Literal('only'))).toEqual({ type: 'string', enum: ['only'] });
  });

  it('turns `T | null` into nullable and int|string into x-kubernetes-int-or-string', () => {
    expect(toStructuralSchema(Type.Union([Type.String(), Type.Null()]))).toEqual({
      type: 'string',
      nullable: true,
    });
    const intOrString = {
      anyOf: [{ type: 'integer' }, { type: 'string' }],
      'x-kubernetes-int-or-string': true,
    };
    expect(toStructuralSchema(IntOrString())).toEqual(intOrString);
    expect(toStructuralSchema(Type.Union([Type.Number(), Type.String()]))).toEqual(intOrString);
  });

  it('turns records into additionalProperties and free-form JSON into preserve-unknown-fields', () => {
    expect(toStructuralSchema(Type.Record(Type.String(), Type.String()))).toEqual({
      type: 'object',
      additionalProperties: { type: 'string' },
    });
    expect(toStructuralSchema(FreeFormRecord())).toEqual({
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
    });
    expect(toStructuralSchema(Type.Unknown({ description: 'any' }))).toEqual({
      description: 'any',
      'x-kubernetes-preserve-unknown-fields': true,
    });
  });

  it('merges object unions (required only if in every branch) and intersections (required if in any)', () => {
    const a = Type.Object({ kind: Type.String(), a: Type.String() });
    const b = Type.Object({ kind: Type.String(), b: Type.Optional(Type.String()) });
    expect(toStructuralSchema(Type.Union([a, b]))).toEqual({
      type: 'object',
      properties: { a: { type: 'string' }, b: { type: 'string' }, kind: { type: 'string' } },
      required: ['kind'],
    });
    expect(toStructuralSchema(Type.Intersect([a, b]))).toMatchObject({
      type: 'object',
      required: ['a', 'kind'],
    });
  });

  it('strips $id and TypeBox symbols, sorts keys, drops empty properties and closed-object flags', () => {
    const schema = Type.Object(
      { zeta: Type.Optional(Type.String()), alpha: Type.Object({}, { additionalProperties: false }) },
      { $id: 'Thing', additionalProperties: false },
    );
    const out = toStructuralSchema(schema);
    expect(out).toEqual({
      type: 'object',
      properties: { alpha: { type: 'object' }, zeta: { type: 'string' } },
      required: ['alpha'],
    });
    expect(Object.keys(out.properties ?? {})).toEqual(['alpha', 'zeta']);
    expect(Object.getOwnPropertySymbols(out)).toEqual([]);
  });

  it('falls back to preserve-unknown-fields for unions of unrelated shapes', () => {
    expect(toStructuralSchema(Type.Union([Type.String(), Type.Object({ a: Type.String() })]))).toEqual({
      'x-kubernetes-preserve-unknown-fields': true,
    });
  });
});

describe('generated CRDs', () => {
  const crds = allKinds.map(crdFor);

  it.each(crds.map((crd) => [crd.metadata.name, crd] as const))(
    '%s is a structural, servable CRD',
    (_name, crd) => {
      expect(crd.metadata.name).toBe(`${crd.spec.names.plural}.${crd.spec.group}`);
      expect(crd.metadata.annotations['kustomize.toolkit.fluxcd.io/substitute']).toBe('disabled');
      expect(crd.spec.conversion).toEqual({ strategy: 'None' });
      expect(crd.spec.versions.filter((v) => v.storage)).toHaveLength(1);
      expect(crd.spec.versions.every((v) => v.served)).toBe(true);
      for (const version of crd.spec.versions) {
        const schema = version.schema.openAPIV3Schema;
        expect(structuralViolations(schema), `${version.name}`).toEqual([]);
        for (const [path, node] of nodes(schema)) {
          const exempt = node['x-kubernetes-int-or-string'] || node['x-kubernetes-preserve-unknown-fields'];
          expect(node.type !== undefined || exempt, `${version.name} ${path} has a type`).toBeTruthy();
          if (node.anyOf)
            expect(node['x-kubernetes-int-or-string'], `${version.name} ${path} anyOf`).toBe(true);
          expect(JSON.stringify(node)).not.toMatch(/"\$id"|"const"|"patternProperties"/);
        }
        const hasStatus = schema.properties?.status !== undefined;
        expect(version.subresources !== undefined).toBe(hasStatus);
        expect(version.additionalPrinterColumns?.map((c) => c.name)).toEqual(expect.arrayContaining(['Age']));
      }
    },
  );

  it('labels CRDs with their Flux controller', () => {
    expect(controllerOf('source.toolkit.fluxcd.io', 'GitRepository')).toBe('source-controller');
    expect(controllerOf('image.toolkit.fluxcd.io', 'ImagePolicy')).toBe('image-reflector-controller');
    expect(controllerOf('image.toolkit.fluxcd.io', 'ImageUpdateAutomation')).toBe(
      'image-automation-controller',
    );
    expect(crdFor(kustomizationKind).metadata.labels).toEqual({
      'app.kubernetes.io/component': 'kustomize-controller',
      'app.kubernetes.io/instance': 'flux-system',
      'app.kubernetes.io/part-of': 'flux',
    });
  });

  it('has GitRepository names, versions and columns as Flux', () => {
    const crd = crdFor(gitRepositoryKind);
    expect(crd.spec.names).toEqual({
      kind: 'GitRepository',
      listKind: 'GitRepositoryList',
      plural: 'gitrepositories',
      singular: 'gitrepository',
      shortNames: ['gitrepo'],
      categories: ['all', 'fluxcd', 'fluxcd-sources'],
    });
    expect(
      crd.spec.versions.map((v) => [v.name, v.storage, v.deprecated ?? false, v.deprecationWarning]),
    ).toEqual([
      ['v1', true, false, undefined],
      ['v1beta2', false, true, 'v1beta2 GitRepository is deprecated, upgrade to v1'],
      ['v1beta1', false, true, 'v1beta1 GitRepository is deprecated, upgrade to v1'],
    ]);
    const columns = (name: string) =>
      crd.spec.versions
        .find((v) => v.name === name)
        ?.additionalPrinterColumns?.map((c) => `${c.name}=${c.jsonPath}`);
    expect(columns('v1')).toEqual([
      'URL=.spec.url',
      'Age=.metadata.creationTimestamp',
      'Ready=.status.conditions[?(@.type=="Ready")].status',
      'Status=.status.conditions[?(@.type=="Ready")].message',
    ]);
    expect(columns('v1beta1')?.map((c) => c.split('=')[0])).toEqual(['URL', 'Ready', 'Status', 'Age']);
  });

  it('has HelmChart columns and Kustomization short name as Flux', () => {
    const chart = crdFor(helmChartKind).spec.versions[0];
    expect(chart?.additionalPrinterColumns?.map((c) => c.name)).toEqual([
      'Chart',
      'Version',
      'Source Kind',
      'Source Name',
      'Age',
      'Ready',
      'Status',
    ]);
    const ks = crdFor(kustomizationKind);
    expect(ks.spec.names.shortNames).toEqual(['ks']);
    expect(ks.spec.names.categories).toEqual(['all', 'fluxcd', 'fluxcd-appliers']);
    expect(ks.spec.versions.map((v) => v.name)).toEqual(['v1', 'v1beta2', 'v1beta1']);
  });

  it('gives status a default of observedGeneration -1, except on ExternalArtifact', () => {
    const statusOf = (crd: ReturnType<typeof crdFor>) =>
      crd.spec.versions[0]?.schema.openAPIV3Schema.properties?.status;
    expect(statusOf(crdFor(gitRepositoryKind))?.default).toEqual({ observedGeneration: -1 });
    expect(statusOf(crdFor(externalArtifactKind))?.default).toBeUndefined();
  });
});
