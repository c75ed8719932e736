import { describe, expect, it } from 'vitest';
import type { CustomResourceDefinition } from './crd.js';
import { invalidMessage, validateAgainstCrd, validateObject } from './validate.js';

const widgetCrd: CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com', annotations: {}, labels: {} },
  spec: {
    group: 'example.com',
    names: { kind: 'Widget', listKind: 'WidgetList', plural: 'widgets', singular: 'widget' },
    scope: 'Namespaced',
    conversion: { strategy: 'None' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['size'],
                properties: {
                  size: { type: 'integer', default: 1, minimum: 0 },
                  color: { type: 'string', default: 'red' },
                },
              },
            },
          },
        },
      },
      { name: 'v0', served: false, storage: false, schema: { openAPIV3Schema: { type: 'object' } } },
    ],
  },
};

describe('validateAgainstCrd', () => {
  it('prunes, defaults and validates like the API server', () => {
    const result = validateAgainstCrd(
      {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'w' },
        spec: { size: 2, extra: true },
      },
      widgetCrd,
    );
    expect(result.errors).toEqual([]);
    expect(result.unknownFields).toEqual(['spec.extra']);
    expect(result.object).toEqual({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      spec: { size: 2, color: 'red' },
    });
  });

  it('reports the API server message for a wrong type', () => {
    const { errors } = validateAgainstCrd(
      { apiVersion: 'example.com/v1', kind: 'Widget', spec: { size: 'string' } },
      widgetCrd,
    );
    expect(invalidMessage('Widget', 'example.com', 'w', errors)).toBe(
      'Widget.example.com "w" is invalid: spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"',
    );
  });

  it('rejects versions that are not served and kinds of other CRDs', () => {
    expect(
      validateAgainstCrd({ apiVersion: 'example.com/v0', kind: 'Widget' }, widgetCrd).errors.map(
        (e) => e.message,
      ),
    ).toEqual(['apiVersion: Unsupported value: "example.com/v0": supported values: "example.com/v1"']);
    expect(
      validateAgainstCrd({ apiVersion: 'example.com/v1', kind: 'Gadget' }, widgetCrd).errors[0]?.field,
    ).toBe('kind');
  });
});

describe('validateObject', () => {
  it('uses the generated CRD of the object version', () => {
    const ok = validateObject({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1beta2',
      kind: 'Kustomization',
      metadata: { name: 'game-app' },
      spec: {
        interval: '5m0s',
        prune: true,
        validation: 'client',
        sourceRef: { kind: 'GitRepository', name: 'game-repo' },
      },
    });
    expect(ok.errors).toEqual([]);
    const v1 = validateObject({ ...ok.object, apiVersion: 'kustomize.toolkit.fluxcd.io/v1' });
    expect(v1.unknownFields).toEqual(['spec.validation']);
  });

  it('reports unknown kinds and unserved versions', () => {
    expect(
      validateObject({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'SvnRepository' }).errors[0]?.message,
    ).toMatch(
      /^kind: Unsupported value: "SvnRepository": supported values: "GitRepository", "OCIRepository"/,
    );
    expect(
      validateObject({ apiVersion: 'source.toolkit.fluxcd.io/v1beta1', kind: 'OCIRepository' }).errors[0]
        ?.message,
    ).toBe(
      'apiVersion: Unsupported value: "source.toolkit.fluxcd.io/v1beta1": supported values: "source.toolkit.fluxcd.io/v1", "source.toolkit.fluxcd.io/v1beta2"',
    );
  });

  it('checks partial documents without required fields', () => {
    const patch = {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'a' },
      spec: { path: './x' },
    };
    expect(validateObject(patch).errors.length).toBeGreaterThan(0);
    expect(validateObject(patch, { ignoreRequired: true }).errors).toEqual([]);
  });
});

describe('invalidMessage', () => {
  it('brackets several errors', () => {
    const { errors } = validateObject({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      spec: {},
    });
    expect(invalidMessage('GitRepository', 'source.toolkit.fluxcd.io', 'x', errors)).toBe(
      'GitRepository.source.toolkit.fluxcd.io "x" is invalid: [spec.interval: Required value, spec.url: Required value]',
    );
  });
});
