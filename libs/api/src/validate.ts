// Validation of Flux objects against the openAPIV3Schema of their CRD version, with the API
// server's order of steps: prune unknown fields, apply defaults, validate.
import { crdFor, type CustomResourceDefinition } from './crd.js';
import { parseApiVersion, type KindRegistry } from './kind-registry.js';
import type { KubeObject } from './kind-spec.js';
import { kindRegistry } from './registry.js';
import {
  applyDefaults,
  formatPath,
  pruneStructural,
  validateStructural,
  type FieldError,
  type JSONSchemaProps,
} from './structural.js';

export interface ObjectValidation {
  /** Empty when the object would be accepted. */
  errors: FieldError[];
  /** Fields the schema does not declare (the API server drops them, warning `unknown field "…"`). */
  unknownFields: string[];
  /** The object as the API server would store it: pruned and defaulted. */
  object: KubeObject;
}

export interface ObjectValidationOptions {
  /** Skip `required` checks, for partial documents such as strategic-merge patches. */
  ignoreRequired?: boolean;
}

function unsupported(field: string, value: unknown, detail: string): FieldError {
  return {
    type: 'FieldValueNotSupported',
    field,
    badValue: value,
    detail,
    message: `${field}: Unsupported value: ${JSON.stringify(value ?? null)}: ${detail}`,
  };
}

/** Validates a custom resource against a CRD (any CRD, not only Flux's), as the API server would. */
export function validateAgainstCrd(
  obj: KubeObject,
  crd: CustomResourceDefinition,
  options: ObjectValidationOptions = {},
): ObjectValidation {
  const { group, version } = parseApiVersion(typeof obj.apiVersion === 'string' ? obj.apiVersion : '');
  if (group !== crd.spec.group || obj.kind !== crd.spec.names.kind) {
    const detail = `supported values: "${crd.spec.names.kind}"`;
    return { errors: [unsupported('kind', obj.kind, detail)], unknownFields: [], object: obj };
  }
  const served = crd.spec.versions.find((v) => v.name === version && v.served);
  if (!served) {
    const names = crd.spec.versions.filter((v) => v.served).map((v) => `"${crd.spec.group}/${v.name}"`);
    return {
      errors: [unsupported('apiVersion', obj.apiVersion, `supported values: ${names.join(', ')}`)],
      unknownFields: [],
      object: obj,
    };
  }
  return validateWithSchema(obj, served.schema.openAPIV3Schema, options);
}

/** Prune → default → validate one object against a version's structural schema. */
export function validateWithSchema(
  obj: KubeObject,
  schema: JSONSchemaProps,
  options: ObjectValidationOptions = {},
): ObjectValidation {
  const { value, pruned } = pruneStructural(obj, schema);
  const object = applyDefaults(value, schema);
  const errors = validateStructural(object, schema, { ignoreRequired: options.ignoreRequired ?? false });
  return { errors, unknownFields: pruned.map((p) => formatPath(p.path)), object };
}

const crdCache = new WeakMap<object, CustomResourceDefinition>();

/**
 * Validates a Flux object against the generated CRD schema of its apiVersion. An apiVersion/kind
 * that is not served yields a `FieldValueNotSupported` error on `apiVersion` or `kind`.
 */
export function validateObject(
  obj: KubeObject,
  options: ObjectValidationOptions & { registry?: KindRegistry } = {},
): ObjectValidation {
  const registry = options.registry ?? kindRegistry;
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  const { group } = parseApiVersion(apiVersion);
  const spec = registry.byGroupKind(group, typeof obj.kind === 'string' ? obj.kind : '');
  if (!spec) {
    const kinds = registry.kinds.filter((k) => k.group === group).map((k) => `"${k.kind}"`);
    return {
      errors: [unsupported('kind', obj.kind, `supported values: ${kinds.join(', ')}`)],
      unknownFields: [],
      object: obj,
    };
  }
  let crd = crdCache.get(spec);
  if (!crd) {
    crd = crdFor(spec);
    crdCache.set(spec, crd);
  }
  return validateAgainstCrd(obj, crd, options);
}

/**
 * The API server's 422 message: `Kustomization.kustomize.toolkit.fluxcd.io "apps" is invalid: <errors>`
 * (several errors in brackets, comma-separated).
 */
export function invalidMessage(kind: string, group: string, name: string, errors: FieldError[]): string {
  const qualified = group ? `${kind}.${group}` : kind;
  const list = errors.map((e) => e.message);
  const body = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return `${qualified} "${name}" is invalid: ${body}`;
}
