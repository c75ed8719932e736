/**
 * values.schema.json validation (chartutil.ValidateAgainstSchema): each chart's schema checks its
 * own coalesced values, subcharts their section; failures are listed per chart in Helm's form.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { GoMap, GoValue } from '@flotilla/gotemplate';
import { HelmError } from './errors.js';
import type { Chart } from './types.js';

const compiled = new WeakMap<Uint8Array, ValidateFunction>();
const decoder = new TextDecoder();

function compile(schema: Uint8Array, chartName: string): ValidateFunction {
  const cached = compiled.get(schema);
  if (cached !== undefined) return cached;
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(schema));
  } catch (error) {
    throw new HelmError(`${chartName}: unable to parse values.schema.json: ${(error as Error).message}`);
  }
  const draft =
    typeof parsed === 'object' && parsed !== null
      ? String((parsed as { $schema?: unknown }).$schema ?? '')
      : '';
  // Helm's validator accepts any spelling of the draft-07 (and older) meta-schema URI; ajv knows only its own.
  if (/draft-0[4-7]/.test(draft)) delete (parsed as { $schema?: unknown }).$schema;
  const options = {
    strict: false,
    allErrors: true,
    validateFormats: false,
    logger: false,
    verbose: true,
  } as const;
  const ajv = draft.includes('2020-12')
    ? new Ajv2020(options)
    : draft.includes('2019-09')
      ? new Ajv2019(options)
      : new Ajv(options);
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(parsed as object);
  } catch (error) {
    throw new HelmError(`${chartName}: invalid values.schema.json: ${(error as Error).message}`);
  }
  compiled.set(schema, validate);
  return validate;
}

/** Go values as the JSON data a schema sees (int64 and float64 are both JSON numbers). */
function toJson(v: GoValue): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(toJson);
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)
    return Object.fromEntries(Object.entries(v as GoMap).map(([k, x]) => [k, toJson(x)]));
  return v;
}

const quote = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v));

/** The detail santhosh-tekuri/jsonschema (Helm's validator) prints for a failed keyword. */
function detail(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `missing property '${String(p['missingProperty'])}'`;
    case 'additionalProperties':
      return `additional properties '${String(p['additionalProperty'])}' not allowed`;
    case 'type':
      return `got ${jsonType(e.data)}, want ${String(p['type'])}`;
    case 'enum':
      return `value must be one of ${((p['allowedValues'] as unknown[]) ?? []).map(quote).join(', ')}`;
    case 'const':
      return `value must be ${quote(p['allowedValue'])}`;
    case 'minimum':
    case 'maximum':
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
      return `${e.keyword}: got ${measure(e)}, want ${String(p['limit'])}`;
    case 'pattern':
      return `${quote(e.data)} does not match pattern ${quote(p['pattern'])}`;
    default:
      return e.message ?? e.keyword;
  }
}

function measure(e: ErrorObject): string {
  if (typeof e.data === 'string') return String([...e.data].length);
  if (Array.isArray(e.data)) return String(e.data.length);
  return String(e.data);
}

function describe(e: ErrorObject): string {
  return `- at '${e.instancePath}': ${detail(e)}`;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return 'number';
  return typeof v === 'object' ? 'object' : typeof v;
}

/** Validates one schema; returns Helm's error text or undefined. */
export function validateSingleSchema(values: GoMap, schema: Uint8Array, chartName = ''): string | undefined {
  const validate = compile(schema, chartName);
  if (validate(toJson(values))) return undefined;
  return `${(validate.errors ?? []).map(describe).join('\n')}\n`;
}

function collect(chart: Chart, values: GoMap): string {
  let out = '';
  if (chart.schema !== undefined) {
    const problem = validateSingleSchema(values, chart.schema, chart.metadata.name);
    if (problem !== undefined) out += `${chart.metadata.name}:\n${problem}`;
  }
  for (const sub of chart.dependencies) {
    const section = values[sub.metadata.name];
    const subValues =
      section !== null && typeof section === 'object' && !Array.isArray(section) ? (section as GoMap) : {};
    out += collect(sub, subValues);
  }
  return out;
}

/** chartutil.ValidateAgainstSchema wrapped as ToRenderValues reports it. */
export function validateAgainstSchema(chart: Chart, values: GoMap): void {
  const problems = collect(chart, values);
  if (problems !== '')
    throw new HelmError(
      `values don't meet the specifications of the schema(s) in the following chart(s):\n${problems}`,
    );
}
