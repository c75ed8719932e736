// KindSpec → apiextensions.k8s.io/v1 CustomResourceDefinition. TypeBox emits JSON Schema; the API
// server accepts only the structural subset, so schemas are rewritten here into the forms
// controller-gen would produce (enum instead of literal unions, additionalProperties instead of
// patternProperties, x-kubernetes-* markers for int-or-string and free-form JSON).
import type { TSchema } from '@sinclair/typebox';
import type { KindSpec, PrinterColumn, VersionSpec } from './kind-spec.js';
import type { JSONSchemaProps } from './structural.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keywords that carry no validation meaning for the API server and are not JSONSchemaProps fields. */
const DROPPED_KEYWORDS = new Set([
  '$id',
  '$schema',
  '$comment',
  'examples',
  'readOnly',
  'writeOnly',
  'deprecated',
  'title',
  'const',
  'patternProperties',
  'anyOf',
  'oneOf',
  'allOf',
]);

/** Keywords that describe a node rather than its shape; kept on the node when branches are merged. */
const ANNOTATION_KEYWORDS = ['description', 'default', 'example'] as const;

function annotationsOf(node: Json): Json {
  const out: Json = {};
  for (const k of ANNOTATION_KEYWORDS) if (node[k] !== undefined) out[k] = node[k];
  return out;
}

function literalOf(node: Json): { type: string; value: unknown } | undefined {
  if ('const' in node) {
    const value = node.const;
    const type = typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : typeof value;
    return { type: (node.type as string | undefined) ?? type, value };
  }
  return undefined;
}

function isNullType(node: Json): boolean {
  return node.type === 'null';
}

/** Converts a union (anyOf/oneOf) into one structural node. */
function convertUnion(node: Json, branches: Json[]): Json {
  const base = annotationsOf(node);
  const nonNull = branches.filter((b) => !isNullType(b));
  const nullable = nonNull.length < branches.length ? { nullable: true } : {};
  if (nonNull.length === 1) return { ...convertNode(nonNull[0] as Json), ...base, ...nullable };
  const literals = nonNull.map(literalOf);
  if (literals.every((l) => l !== undefined)) {
    return enumNode(literals as { type: string; value: unknown }[], base, nullable);
  }
  if (nonNull.every((b) => Array.isArray(b.enum) || literalOf(b))) {
    const values = nonNull.flatMap((b) => (Array.isArray(b.enum) ? b.enum : [b.const]));
    return { type: nonNull[0]?.type ?? 'string', enum: values, ...base, ...nullable };
  }
  const types = new Set(nonNull.map((b) => b.type));
  if (types.size === 2 && types.has('string') && (types.has('integer') || types.has('number'))) {
    return { ...intOrString(), ...base, ...nullable };
  }
  if (nonNull.every((b) => b.type === 'object')) return { ...mergeObjects(nonNull), ...base, ...nullable };
  // Mixed shapes have no structural equivalent: accept any JSON, like Flux does for such fields.
  return { 'x-kubernetes-preserve-unknown-fields': true, ...base, ...nullable };
}

function enumNode(literals: { type: string; value: unknown }[], base: Json, nullable: Json): Json {
  const types = new Set(literals.map((l) => l.type));
  const type = types.size === 1 ? [...types][0] : types.has('number') ? 'number' : 'string';
  return { type, enum: literals.map((l) => l.value), ...base, ...nullable };
}

function intOrString(): Json {
  return { anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true };
}

/**
 * Object branches of a union (or intersection, `requireAll`) become one object with every field;
 * a field is required if every branch (any branch, for an intersection) requires it.
 */
function mergeObjects(branches: Json[], requireAll = false): Json {
  const properties: Json = {};
  const requiredSets = branches.map((b) => new Set((b.required as string[] | undefined) ?? []));
  for (const b of branches) {
    for (const [k, v] of Object.entries((b.properties as Json | undefined) ?? {})) {
      if (!(k in properties)) properties[k] = v;
    }
  }
  const keys = Object.keys(properties);
  const required = requireAll
    ? keys.filter((k) => requiredSets.some((s) => s.has(k)))
    : keys.filter((k) => requiredSets.every((s) => s.has(k)));
  const preserve = branches.some((b) => b['x-kubernetes-preserve-unknown-fields'] === true);
  return convertNode({
    type: 'object',
    properties,
    ...(required.length ? { required } : {}),
    ...(preserve ? { 'x-kubernetes-preserve-unknown-fields': true } : {}),
  });
}

/** A schema with no shape keywords (TypeBox Unknown/Any) stands for any JSON value. */
function isFreeForm(node: Json): boolean {
  const shape = Object.keys(node).filter((k) => !(ANNOTATION_KEYWORDS as readonly string[]).includes(k));
  return shape.length === 0;
}

/** `Type.Record` (patternProperties) → additionalProperties; a map of anything keeps unknown fields. */
function convertMap(patternProperties: Json): Json {
  const values = Object.values(patternProperties);
  const value = values[0];
  if (values.length !== 1 || !isObject(value) || isFreeForm(value)) {
    return { 'x-kubernetes-preserve-unknown-fields': true };
  }
  return { additionalProperties: convertNode(value) };
}

function convertChildren(node: Json, out: Json): void {
  if (isObject(node.properties)) {
    const props: Json = {};
    for (const key of Object.keys(node.properties).sort()) {
      props[key] = convertNode(node.properties[key] as Json);
    }
    if (Object.keys(props).length > 0) out.properties = props;
  }
  if (Array.isArray(node.required)) {
    const required = [...(node.required as string[])].sort();
    if (required.length > 0) out.required = required;
  }
  if (isObject(node.items)) out.items = convertNode(node.items);
  if (isObject(node.patternProperties)) Object.assign(out, convertMap(node.patternProperties));
  if (isObject(node.additionalProperties)) Object.assign(out, convertMap({ '': node.additionalProperties }));
  else if (node.additionalProperties === true) out['x-kubernetes-preserve-unknown-fields'] = true;
  // Structural schemas forbid properties next to additionalProperties; `false` is implied by pruning.
  if (out.properties) delete out.additionalProperties;
}

function convertNode(input: Json): Json {
  const node = input;
  if (node['x-kubernetes-int-or-string'] === true) return sortKeys({ ...node, ...intOrString() });
  const union = (node.anyOf ?? node.oneOf) as Json[] | undefined;
  if (Array.isArray(union)) return sortKeys(convertUnion(node, union));
  if (Array.isArray(node.allOf)) {
    return sortKeys({ ...mergeObjects(node.allOf as Json[], true), ...annotationsOf(node) });
  }
  const literal = literalOf(node);
  if (literal) return sortKeys({ ...annotationsOf(node), type: literal.type, enum: [literal.value] });
  if (isFreeForm(node)) return sortKeys({ ...node, 'x-kubernetes-preserve-unknown-fields': true });
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) {
    if (DROPPED_KEYWORDS.has(k)) continue;
    if (['properties', 'required', 'items', 'additionalProperties'].includes(k)) continue;
    out[k] = v;
  }
  convertChildren(node, out);
  return sortKeys(out);
}

function sortKeys(node: Json): Json {
  const out: Json = {};
  for (const key of Object.keys(node).sort()) out[key] = node[key];
  return out;
}

/**
 * Rewrites a TypeBox (JSON Schema) schema into a Kubernetes structural schema: symbols and `$id`
 * stripped, literal unions → `enum`, `T | null` → `nullable`, int|string unions →
 * `x-kubernetes-int-or-string`, records → `additionalProperties`, Unknown/Any and maps of them →
 * `x-kubernetes-preserve-unknown-fields`, object unions/intersections merged, keys sorted.
 */
export function toStructuralSchema(schema: TSchema | Json): JSONSchemaProps {
  // JSON round-trip drops TypeBox's symbol-keyed metadata ([Kind], [OptionalKind]).
  const plain = JSON.parse(JSON.stringify(schema)) as Json;
  return convertNode(plain) as JSONSchemaProps;
}

/** apiextensions.k8s.io/v1 CustomResourceDefinition, as a plain object. */
export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; annotations: Record<string, string>; labels: Record<string, string> };
  spec: {
    group: string;
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames?: string[];
      categories?: string[];
    };
    scope: 'Namespaced';
    conversion: { strategy: 'None' };
    versions: CustomResourceDefinitionVersion[];
  };
}

export interface CustomResourceDefinitionVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  deprecationWarning?: string;
  schema: { openAPIV3Schema: JSONSchemaProps };
  subresources?: { status: Record<string, never> };
  additionalPrinterColumns?: PrinterColumn[];
}

/** Flux's controller per API group (image kinds split over two controllers). */
export function controllerOf(group: string, kind: string): string {
  const prefix = group.split('.')[0] ?? group;
  if (prefix === 'image')
    return kind === 'ImageUpdateAutomation' ? 'image-automation-controller' : 'image-reflector-controller';
  return `${prefix}-controller`;
}

/** Annotation every generated CRD carries so Flux's own post-build substitution leaves it alone. */
export const SUBSTITUTE_DISABLED = { 'kustomize.toolkit.fluxcd.io/substitute': 'disabled' } as const;

function crdVersion(version: VersionSpec, storage: boolean): CustomResourceDefinitionVersion {
  const openAPIV3Schema = toStructuralSchema(version.schema);
  const hasStatus = openAPIV3Schema.properties?.status !== undefined;
  return {
    name: version.name,
    served: true,
    storage,
    ...(version.deprecated ? { deprecated: true } : {}),
    ...(version.deprecationWarning ? { deprecationWarning: version.deprecationWarning } : {}),
    schema: { openAPIV3Schema },
    ...(hasStatus ? { subresources: { status: {} } } : {}),
    ...(version.printerColumns.length > 0
      ? { additionalPrinterColumns: version.printerColumns.map(printerColumn) }
      : {}),
  };
}

function printerColumn(c: PrinterColumn): PrinterColumn {
  return {
    name: c.name,
    type: c.type,
    jsonPath: c.jsonPath,
    ...(c.description ? { description: c.description } : {}),
    ...(c.priority !== undefined ? { priority: c.priority } : {}),
  };
}

/** The CRD for one kind: every version served, the first stored, conversion None, status subresource. */
export function crdFor(spec: KindSpec): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${spec.plural}.${spec.group}`,
      annotations: { ...SUBSTITUTE_DISABLED, ...spec.annotations },
      labels: {
        'app.kubernetes.io/component': controllerOf(spec.group, spec.kind),
        'app.kubernetes.io/instance': 'flux-system',
        'app.kubernetes.io/part-of': 'flux',
      },
    },
    spec: {
      group: spec.group,
      names: {
        kind: spec.kind,
        listKind: spec.listKind,
        plural: spec.plural,
        singular: spec.singular,
        ...(spec.shortNames.length > 0 ? { shortNames: [...spec.shortNames] } : {}),
        ...(spec.categories.length > 0 ? { categories: [...spec.categories] } : {}),
      },
      scope: 'Namespaced',
      conversion: { strategy: 'None' },
      versions: spec.versions.map((v, i) => crdVersion(v, i === 0)),
    },
  };
}

const structuralCache = new WeakMap<VersionSpec, JSONSchemaProps>();

/** The structural openAPIV3Schema of one version, as its CRD carries it (memoised). */
export function structuralSchemaOf(version: VersionSpec): JSONSchemaProps {
  let schema = structuralCache.get(version);
  if (!schema) {
    schema = toStructuralSchema(version.schema);
    structuralCache.set(version, schema);
  }
  return schema;
}
