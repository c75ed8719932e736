// Kubernetes structural-schema semantics over plain OpenAPI v3 JSON (a CRD version's
// openAPIV3Schema): validation with API-server style field errors, pruning of unknown fields and
// defaulting. Kept free of TypeBox so the API-server double can apply it to any CRD it is given.

/** apiextensions.k8s.io/v1 JSONSchemaProps, the keywords a CRD schema may use. */
export interface JSONSchemaProps {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  title?: string;
  format?: string;
  pattern?: string;
  enum?: unknown[];
  default?: unknown;
  example?: unknown;
  nullable?: boolean;
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  required?: string[];
  items?: JSONSchemaProps;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minProperties?: number;
  maxProperties?: number;
  allOf?: JSONSchemaProps[];
  anyOf?: JSONSchemaProps[];
  oneOf?: JSONSchemaProps[];
  not?: JSONSchemaProps;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-validations'?: { rule: string; message?: string; messageExpression?: string }[];
}

/** Cause reasons of a 422 Invalid status, as k8s.io/apimachinery field.ErrorType spells them. */
export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueTypeInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueForbidden';

/** One validation failure; `message` is the `<field>: <body>` text kubectl prints. */
export interface FieldError {
  type: FieldErrorType;
  /** Field path, e.g. `spec.sourceRef.kind`, `spec.patches[0].patch`, `spec.values[key]`. */
  field: string;
  badValue?: unknown;
  detail: string;
  message: string;
}

type Path = (string | number)[];
type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `spec.patches[0].target.kind`; map keys (under additionalProperties) as `[key]`. */
export function formatPath(path: Path, mapKeys: ReadonlySet<number> = new Set()): string {
  let out = '';
  path.forEach((seg, i) => {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (mapKeys.has(i)) out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  });
  return out;
}

/** Go's %v/%q rendering of a bad value as apimachinery prints it. */
function formatValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function fieldError(type: FieldErrorType, field: string, badValue: unknown, detail: string): FieldError {
  let body: string;
  switch (type) {
    case 'FieldValueRequired':
      body = detail ? `Required value: ${detail}` : 'Required value';
      break;
    case 'FieldValueNotSupported':
      body = `Unsupported value: ${formatValue(badValue)}${detail ? `: ${detail}` : ''}`;
      break;
    case 'FieldValueDuplicate':
      body = `Duplicate value: ${formatValue(badValue)}`;
      break;
    case 'FieldValueTooLong':
      body = `Too long: ${detail}`;
      break;
    case 'FieldValueTooMany':
      body = `Too many: ${formatValue(badValue)}: ${detail}`;
      break;
    case 'FieldValueForbidden':
      body = `Forbidden: ${detail}`;
      break;
    default:
      body = `Invalid value: ${formatValue(badValue)}${detail ? `: ${detail}` : ''}`;
  }
  return { type, field, badValue, detail, message: `${field}: ${body}` };
}

// ---------------------------------------------------------------------------------------------
// Validation

export interface ValidateOptions {
  /** Skip `required` checks, e.g. for a strategic-merge patch document that only names changed fields. */
  ignoreRequired?: boolean;
}

const regexCache = new Map<string, RegExp>();
function compilePattern(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    re = new RegExp(pattern);
    regexCache.set(pattern, re);
  }
  return re;
}

// RFC 3339 date-time as Kubernetes (strfmt) accepts it.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const BYTE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const IPV4 = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Whether a value satisfies a `format`; unknown formats pass, as in the API server. */
function formatMatches(format: string, value: unknown): boolean {
  if (typeof value === 'string') {
    switch (format) {
      case 'date-time':
        return DATE_TIME.test(value) && !Number.isNaN(Date.parse(value.replace(' ', 'T')));
      case 'date':
        return DATE.test(value) && !Number.isNaN(Date.parse(value));
      case 'uuid':
        return UUID.test(value);
      case 'byte':
        return BYTE.test(value);
      case 'ipv4':
        return IPV4.test(value);
      default:
        return true;
    }
  }
  // int64 holds every integer a JSON number can carry here; int32 is range-checked.
  if (typeof value === 'number' && format === 'int32') return value >= -(2 ** 31) && value <= 2 ** 31 - 1;
  return true;
}

function typeMatches(type: JSONSchemaProps['type'], value: unknown): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return true;
  }
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

class Validator {
  readonly errors: FieldError[] = [];
  private readonly mapKeys = new Set<number>();

  constructor(private readonly options: ValidateOptions) {}

  private field(path: Path): string {
    return formatPath(path, this.mapKeys);
  }

  private add(type: FieldErrorType, path: Path, value: unknown, detail: string): void {
    this.errors.push(fieldError(type, this.field(path), value, detail));
  }

  /** Validates `value` at `path`; a type mismatch stops descent below it. */
  node(value: unknown, schema: JSONSchemaProps, path: Path): void {
    if (value === null) {
      if (!schema.nullable && schema.type) this.typeInvalid(path, schema.type, value);
      return;
    }
    if (schema['x-kubernetes-int-or-string']) {
      if (!(typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value)))) {
        this.typeInvalid(path, 'integer,string', value);
        return;
      }
    } else if (schema.type && !typeMatches(schema.type, value)) {
      this.typeInvalid(path, schema.type, value);
      return;
    }
    this.values(value, schema, path);
    this.junctors(value, schema, path);
    if (Array.isArray(value)) this.array(value, schema, path);
    else if (isObject(value)) this.object(value, schema, path);
  }

  /** kube-openapi reports the actual JSON type as the bad value: `must be of type integer: "string"`. */
  private typeInvalid(path: Path, expected: string, value: unknown): void {
    const actual = goTypeName(value);
    this.add(
      'FieldValueTypeInvalid',
      path,
      actual,
      `${this.field(path)} in body must be of type ${expected}: "${actual}"`,
    );
  }

  private values(value: unknown, schema: JSONSchemaProps, path: Path): void {
    const f = this.field(path);
    if (schema.enum && !schema.enum.some((e) => deepEqual(e, value))) {
      this.add(
        'FieldValueNotSupported',
        path,
        value,
        `supported values: ${schema.enum.map((e) => formatValue(e)).join(', ')}`,
      );
    }
    if (schema.format && !formatMatches(schema.format, value)) {
      this.add(
        'FieldValueInvalid',
        path,
        value,
        `${f} in body must be of type ${schema.format}: ${formatValue(value)}`,
      );
    }
    if (typeof value === 'string') this.string(value, schema, path);
    if (typeof value === 'number') this.number(value, schema, path);
  }

  private string(value: string, schema: JSONSchemaProps, path: Path): void {
    const f = this.field(path);
    const length = [...value].length;
    if (schema.maxLength !== undefined && length > schema.maxLength) {
      this.add('FieldValueTooLong', path, value, `may not be longer than ${schema.maxLength}`);
    }
    if (schema.minLength !== undefined && length < schema.minLength) {
      this.add(
        'FieldValueInvalid',
        path,
        value,
        `${f} in body should be at least ${schema.minLength} chars long`,
      );
    }
    if (schema.pattern !== undefined && !compilePattern(schema.pattern).test(value)) {
      this.add('FieldValueInvalid', path, value, `${f} in body should match '${schema.pattern}'`);
    }
  }

  private number(value: number, schema: JSONSchemaProps, path: Path): void {
    const f = this.field(path);
    if (schema.minimum !== undefined) {
      const below = schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum;
      if (below) {
        const rel = schema.exclusiveMinimum ? 'greater than' : 'greater than or equal to';
        this.add('FieldValueInvalid', path, value, `${f} in body should be ${rel} ${schema.minimum}`);
      }
    }
    if (schema.maximum !== undefined) {
      const above = schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum;
      if (above) {
        const rel = schema.exclusiveMaximum ? 'less than' : 'less than or equal to';
        this.add('FieldValueInvalid', path, value, `${f} in body should be ${rel} ${schema.maximum}`);
      }
    }
    if (schema.multipleOf !== undefined && !Number.isInteger(value / schema.multipleOf)) {
      this.add('FieldValueInvalid', path, value, `${f} in body should be a multiple of ${schema.multipleOf}`);
    }
  }

  private array(value: unknown[], schema: JSONSchemaProps, path: Path): void {
    const f = this.field(path);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      this.add('FieldValueTooMany', path, value.length, `must have at most ${schema.maxItems} items`);
    }
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      this.add(
        'FieldValueInvalid',
        path,
        value,
        `${f} in body should have at least ${schema.minItems} items`,
      );
    }
    this.listInvariants(value, schema, path);
    if (schema.items) {
      const items = schema.items;
      value.forEach((item, i) => this.node(item, items, [...path, i]));
    }
  }

  /** x-kubernetes-list-type set/map (and uniqueItems) reject duplicates. */
  private listInvariants(value: unknown[], schema: JSONSchemaProps, path: Path): void {
    const listType = schema['x-kubernetes-list-type'];
    const mapKeys = schema['x-kubernetes-list-map-keys'] ?? [];
    const keyOf = (item: unknown): unknown =>
      listType === 'map' && isObject(item) ? mapKeys.map((k) => item[k]) : item;
    if (listType !== 'set' && listType !== 'map' && !schema.uniqueItems) return;
    const seen: unknown[] = [];
    value.forEach((item, i) => {
      const key = keyOf(item);
      if (seen.some((s) => deepEqual(s, key))) {
        const bad =
          listType === 'map' && isObject(item) ? Object.fromEntries(mapKeys.map((k) => [k, item[k]])) : item;
        this.add('FieldValueDuplicate', [...path, i], bad, '');
      } else seen.push(key);
    });
  }

  private object(value: JsonObject, schema: JSONSchemaProps, path: Path): void {
    const f = this.field(path);
    const count = Object.keys(value).length;
    if (schema.maxProperties !== undefined && count > schema.maxProperties) {
      this.add('FieldValueTooMany', path, count, `must have at most ${schema.maxProperties} items`);
    }
    if (schema.minProperties !== undefined && count < schema.minProperties) {
      this.add(
        'FieldValueInvalid',
        path,
        count,
        `${f} in body should have at least ${schema.minProperties} properties`,
      );
    }
    if (!this.options.ignoreRequired) {
      for (const key of schema.required ?? []) {
        if (!(key in value)) this.add('FieldValueRequired', [...path, key], undefined, '');
      }
    }
    // Schema order (sorted in generated CRDs) keeps the error list independent of input key order.
    const properties = schema.properties ?? {};
    for (const [key, prop] of Object.entries(properties)) {
      if (key in value) this.node(value[key], prop, [...path, key]);
    }
    const additional = schema.additionalProperties;
    if (!isObject(additional)) return;
    for (const [key, child] of Object.entries(value)) {
      if (!(key in properties)) this.mapEntry(child, additional, [...path, key]);
    }
  }

  private mapEntry(value: unknown, schema: JSONSchemaProps, path: Path): void {
    this.mapKeys.add(path.length - 1);
    this.node(value, schema, path);
    this.mapKeys.delete(path.length - 1);
  }

  /** allOf / anyOf / oneOf / not: value validations around the structural skeleton. */
  private junctors(value: unknown, schema: JSONSchemaProps, path: Path): void {
    if (
      schema['x-kubernetes-int-or-string'] &&
      schema.anyOf &&
      !schema.allOf &&
      !schema.oneOf &&
      !schema.not
    ) {
      // The int-or-string anyOf is the type declaration itself, already checked above.
      return;
    }
    const f = this.field(path);
    const passes = (s: JSONSchemaProps) => this.sub(value, s, path).length === 0;
    for (const s of schema.allOf ?? []) this.errors.push(...this.sub(value, s, path));
    if (schema.anyOf && !schema.anyOf.some(passes)) {
      this.add('FieldValueInvalid', path, value, `${f} in body must validate at least one schema (anyOf)`);
    }
    if (schema.oneOf && schema.oneOf.filter(passes).length !== 1) {
      this.add(
        'FieldValueInvalid',
        path,
        value,
        `${f} in body must validate one and only one schema (oneOf)`,
      );
    }
    if (schema.not && passes(schema.not)) {
      this.add('FieldValueInvalid', path, value, `${f} in body must not validate the schema (not)`);
    }
  }

  private sub(value: unknown, schema: JSONSchemaProps, path: Path): FieldError[] {
    const v = new Validator(this.options);
    for (const k of this.mapKeys) v.mapKeys.add(k);
    v.node(value, schema, path);
    return v.errors;
  }
}

/** Go's type name for a JSON value, as kube-openapi reports a type mismatch. */
function goTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (isObject(value)) return 'object';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/**
 * Validates a value against a structural schema the way the API server validates a custom resource:
 * types, formats, enums, patterns, bounds, required fields, list invariants and junctors. CEL rules
 * (`x-kubernetes-validations`) are not evaluated. `path` prefixes every reported field.
 */
export function validateStructural(
  value: unknown,
  schema: JSONSchemaProps,
  options: ValidateOptions & { path?: Path } = {},
): FieldError[] {
  const v = new Validator(options);
  v.node(value, schema, options.path ?? []);
  return v.errors;
}

// ---------------------------------------------------------------------------------------------
// Pruning

/** A field dropped by pruning, with its value (for warnings and for lossless version conversion). */
export interface PrunedField {
  path: Path;
  value: unknown;
}

export interface PruneResult<T> {
  value: T;
  pruned: PrunedField[];
}

const ROOT_KEYS = new Set(['apiVersion', 'kind', 'metadata']);

function pruneNode(
  value: unknown,
  schema: JSONSchemaProps,
  path: Path,
  out: PrunedField[],
  isRoot: boolean,
): unknown {
  if (Array.isArray(value)) {
    const items = schema.items;
    return items ? value.map((item, i) => pruneNode(item, items, [...path, i], out, false)) : value;
  }
  if (!isObject(value)) return value;
  const keepTypeMeta = isRoot || schema['x-kubernetes-embedded-resource'] === true;
  const result: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (keepTypeMeta && ROOT_KEYS.has(key)) {
      // The API server owns ObjectMeta and TypeMeta; the CRD schema does not prune them.
      const prop = schema.properties?.[key];
      result[key] = key === 'metadata' || !prop ? child : pruneNode(child, prop, [...path, key], out, false);
      continue;
    }
    const kept = pruneField(child, schema, [...path, key], out);
    if (kept) result[key] = kept.value;
  }
  return result;
}

/** One field of an object: its pruned value, or undefined (recorded in `out`) when the schema drops it. */
function pruneField(
  value: unknown,
  parent: JSONSchemaProps,
  path: Path,
  out: PrunedField[],
): { value: unknown } | undefined {
  const key = path[path.length - 1] as string;
  const prop =
    parent.properties?.[key] ??
    (isObject(parent.additionalProperties) ? parent.additionalProperties : undefined);
  if (prop) return { value: pruneNode(value, prop, path, out, false) };
  if (parent['x-kubernetes-preserve-unknown-fields'] === true || parent.additionalProperties === true)
    return { value };
  out.push({ path, value });
  return undefined;
}

/** Drops fields the schema does not declare (unless preserved), as the API server does on write and read. */
export function pruneStructural<T>(
  value: T,
  schema: JSONSchemaProps,
  options: { root?: boolean } = {},
): PruneResult<T> {
  const pruned: PrunedField[] = [];
  const result = pruneNode(value, schema, [], pruned, options.root ?? true) as T;
  return { value: result, pruned };
}

// ---------------------------------------------------------------------------------------------
// Defaulting

function defaultNode(value: unknown, schema: JSONSchemaProps): unknown {
  if (Array.isArray(value)) {
    const items = schema.items;
    return items ? value.map((item) => defaultNode(item, items)) : value;
  }
  if (!isObject(value)) return value;
  const result: JsonObject = { ...value };
  const properties = schema.properties ?? {};
  for (const [key, prop] of Object.entries(properties)) {
    const current = result[key];
    const nonNullableNull = current === null && !prop.nullable;
    if (prop.default !== undefined && (!(key in result) || nonNullableNull)) {
      result[key] = structuredClone(prop.default);
    } else if (nonNullableNull) {
      // A null without a default in a non-nullable field is dropped before validation.
      delete result[key];
    }
  }
  const additional = isObject(schema.additionalProperties) ? schema.additionalProperties : undefined;
  for (const [key, child] of Object.entries(result)) {
    const prop = properties[key] ?? additional;
    if (prop) result[key] = defaultNode(child, prop);
  }
  return result;
}

/**
 * Applies `default` values where a field is absent (or null and not nullable), descending only into
 * parents that exist, and drops other non-nullable nulls — the API server's defaulting step.
 */
export function applyDefaults<T>(value: T, schema: JSONSchemaProps): T {
  return defaultNode(value, schema) as T;
}

// ---------------------------------------------------------------------------------------------
// Structural-schema check (what the API server requires of a CRD schema)

// prettier-ignore
const ALLOWED_KEYWORDS = new Set<string>([
  'type', 'description', 'title', 'format', 'pattern', 'enum', 'default', 'example', 'nullable',
  'properties', 'additionalProperties', 'required', 'items', 'minItems', 'maxItems', 'uniqueItems',
  'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'minProperties', 'maxProperties', 'allOf', 'anyOf', 'oneOf', 'not', 'externalDocs',
  'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-int-or-string', 'x-kubernetes-embedded-resource',
  'x-kubernetes-list-type', 'x-kubernetes-list-map-keys', 'x-kubernetes-map-type', 'x-kubernetes-validations',
]);

const JUNCTOR_FORBIDDEN = ['type', 'default', 'description', 'additionalProperties', 'nullable'] as const;

function isIntOrStringBranch(schema: JSONSchemaProps, branch: JSONSchemaProps): boolean {
  const keys = Object.keys(branch);
  const typeOnly = keys.length === 1 && (branch.type === 'integer' || branch.type === 'string');
  return schema['x-kubernetes-int-or-string'] === true && schema.anyOf?.includes(branch) === true && typeOnly;
}

class StructuralChecker {
  readonly violations: string[] = [];

  node(schema: JSONSchemaProps, path: string, inJunctor: boolean): void {
    const at = path || '<root>';
    for (const key of Object.keys(schema)) {
      if (!ALLOWED_KEYWORDS.has(key)) this.violations.push(`${at}: keyword ${key} is not allowed`);
    }
    if (schema.uniqueItems) this.violations.push(`${at}: uniqueItems: true is forbidden`);
    if (schema.properties && schema.additionalProperties !== undefined) {
      this.violations.push(`${at}: properties and additionalProperties are mutually exclusive`);
    }
    if (inJunctor) {
      for (const key of JUNCTOR_FORBIDDEN) {
        if (schema[key] !== undefined) this.violations.push(`${at}: ${key} must not be set inside a junctor`);
      }
    } else this.typed(schema, at);
    this.children(schema, path, inJunctor);
    if (!inJunctor && schema.default !== undefined) this.defaultValid(schema, at);
  }

  private typed(schema: JSONSchemaProps, at: string): void {
    const exempt = schema['x-kubernetes-int-or-string'] || schema['x-kubernetes-preserve-unknown-fields'];
    if (!schema.type && !exempt) this.violations.push(`${at}: type must be set`);
    if (schema.type === 'array' && !schema.items) this.violations.push(`${at}: arrays must declare items`);
  }

  private children(schema: JSONSchemaProps, path: string, inJunctor: boolean): void {
    for (const [key, prop] of Object.entries(schema.properties ?? {})) {
      this.node(prop, path ? `${path}.${key}` : key, inJunctor);
    }
    if (isObject(schema.additionalProperties))
      this.node(schema.additionalProperties, `${path}[*]`, inJunctor);
    if (schema.items) this.node(schema.items, `${path}[*]`, inJunctor);
    const branches = [...(schema.allOf ?? []), ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])];
    if (schema.not) branches.push(schema.not);
    for (const branch of branches) {
      // The int-or-string declaration itself is the one typed junctor Kubernetes accepts.
      if (isIntOrStringBranch(schema, branch)) continue;
      this.node(branch, path, true);
      this.declaredOutside(branch, schema, path || '<root>');
    }
  }

  /** Fields named inside a junctor must also be declared in the surrounding skeleton. */
  private declaredOutside(branch: JSONSchemaProps, outer: JSONSchemaProps, at: string): void {
    for (const key of Object.keys(branch.properties ?? {})) {
      if (!outer.properties?.[key])
        this.violations.push(`${at}: ${key} in a junctor is not declared outside it`);
    }
  }

  private defaultValid(schema: JSONSchemaProps, at: string): void {
    const errors = validateStructural(schema.default, schema, { path: [at] });
    const pruned = pruneStructural(schema.default, schema, { root: false }).pruned;
    for (const e of errors) this.violations.push(`${at}: default is invalid: ${e.message}`);
    for (const p of pruned) this.violations.push(`${at}: default has unknown field ${formatPath(p.path)}`);
  }
}

/**
 * Lists the reasons a CRD version schema is not structural (empty = accepted), following the
 * API server's rules: every node typed (except int-or-string / preserve-unknown-fields), no
 * properties together with additionalProperties, junctors only add value validations over fields
 * declared outside them, no uniqueItems, only JSONSchemaProps keywords, defaults valid and pruned.
 */
export function structuralViolations(schema: JSONSchemaProps): string[] {
  const checker = new StructuralChecker();
  checker.node(schema, '', false);
  if (schema.type !== 'object') checker.violations.push('<root>: type must be object');
  const metadata = schema.properties?.metadata;
  const metaKeys = Object.keys(metadata?.properties ?? {}).filter(
    (k) => k !== 'name' && k !== 'generateName',
  );
  if (metaKeys.length > 0) checker.violations.push(`metadata: only name and generateName may be constrained`);
  return checker.violations;
}
