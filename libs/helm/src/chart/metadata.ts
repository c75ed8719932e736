/**
 * Chart.yaml (and a v1 chart's requirements.yaml) into chart.Metadata, and Helm's
 * Metadata.Validate. Go decodes these into a struct through JSON: string fields keep the YAML text
 * (`version: 1.0` is "1.0"), keys match case-insensitively, unknown keys are dropped.
 */
import { parse as parseYamlText } from 'yaml';
import { HelmError, ChartValidationError } from './errors.js';
import type { ChartDependency, ChartMetadata } from './types.js';
import { parseVersion } from '../sprig/semver.js';

type Raw = Record<string, unknown>;

const STRING_FIELDS = [
  'apiVersion',
  'name',
  'version',
  'kubeVersion',
  'description',
  'type',
  'home',
  'icon',
  'appVersion',
];
const LIST_FIELDS = ['keywords', 'sources'];
const TRUE_WORDS = new Set(['y', 'yes', 'true', 'on']);
const FALSE_WORDS = new Set(['n', 'no', 'false', 'off']);
const ALIAS_PATTERN = /^[a-zA-Z0-9-_]+$/;

/** Parses YAML with every scalar kept as its text (the failsafe schema), as struct decoding sees strings. */
function parseText(text: string, what: string): unknown {
  try {
    return parseYamlText(text, { schema: 'failsafe', version: '1.1', uniqueKeys: false, merge: true });
  } catch (error) {
    throw new HelmError(
      `cannot load ${what}: error converting YAML to JSON: yaml: ${(error as Error).message.split('\n')[0]}`,
    );
  }
}

function field(raw: Raw, name: string): unknown {
  if (name in raw) return raw[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(raw)) if (key.toLowerCase() === lower) return raw[key];
  return undefined;
}

function asString(v: unknown, what: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string')
    throw new HelmError(
      `cannot load ${what}: json: cannot unmarshal ${Array.isArray(v) ? 'array' : 'object'} into Go value of type string`,
    );
  return v;
}

function asBool(v: unknown, what: string): boolean | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const word = String(v).toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new HelmError(`cannot load ${what}: json: cannot unmarshal string into Go value of type bool`);
}

function asStringList(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.map((x) => (typeof x === 'string' ? x : ''));
}

function asStringMap(v: unknown): Record<string, string> | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v as Raw)) out[k] = typeof val === 'string' ? val : '';
  return out;
}

function parseDependency(raw: unknown, what: string): ChartDependency {
  const r = (raw ?? {}) as Raw;
  const dep: ChartDependency = { name: asString(field(r, 'name'), what) ?? '' };
  const version = asString(field(r, 'version'), what);
  if (version !== undefined) dep.version = version;
  const repository = asString(field(r, 'repository'), what);
  if (repository !== undefined) dep.repository = repository;
  const condition = asString(field(r, 'condition'), what);
  if (condition !== undefined) dep.condition = condition;
  const tags = asStringList(field(r, 'tags'));
  if (tags !== undefined) dep.tags = tags;
  const enabled = asBool(field(r, 'enabled'), what);
  if (enabled !== undefined) dep.enabled = enabled;
  const alias = asString(field(r, 'alias'), what);
  if (alias !== undefined) dep.alias = alias;
  const imports = field(r, 'import-values');
  if (Array.isArray(imports)) dep.importValues = imports.map(importValue);
  return dep;
}

function importValue(v: unknown): string | { child: string; parent: string } {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const m = v as Raw;
    return { child: goPrint(m['child']), parent: goPrint(m['parent']) };
  }
  return typeof v === 'string' ? v : goPrint(v);
}

/** fmt.Sprintf("%v") of a decoded scalar, as Helm formats import-values entries. */
function goPrint(v: unknown): string {
  return v === undefined || v === null ? '<nil>' : String(v);
}

function parseDependencies(v: unknown, what: string): ChartDependency[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.filter((d) => d !== null && d !== '').map((d) => parseDependency(d, what));
}

/** Chart.yaml text to metadata (no validation yet). */
export function parseMetadata(text: string): ChartMetadata {
  const parsed = parseText(text, 'Chart.yaml');
  const raw = (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : {}) as Raw;
  const md: ChartMetadata = { name: '' };
  for (const name of STRING_FIELDS) {
    const value = asString(field(raw, name), 'Chart.yaml');
    if (value !== undefined) md[name] = value;
  }
  for (const name of LIST_FIELDS) {
    const value = asStringList(field(raw, name));
    if (value !== undefined) md[name] = value;
  }
  const maintainers = field(raw, 'maintainers');
  if (Array.isArray(maintainers)) md.maintainers = maintainers.map((m) => asStringMap(m) ?? {});
  const annotations = asStringMap(field(raw, 'annotations'));
  if (annotations !== undefined) md.annotations = annotations;
  const deprecated = asBool(field(raw, 'deprecated'), 'Chart.yaml');
  if (deprecated !== undefined) md.deprecated = deprecated;
  const deps = parseDependencies(field(raw, 'dependencies'), 'Chart.yaml');
  if (deps !== undefined) md.dependencies = deps;
  return md;
}

/** A v1 chart's requirements.yaml: only its `dependencies` reach the metadata. */
export function parseRequirements(text: string): ChartDependency[] | undefined {
  const parsed = parseText(text, 'requirements.yaml');
  if (parsed === null || typeof parsed !== 'object') return undefined;
  return parseDependencies(field(parsed as Raw, 'dependencies'), 'requirements.yaml');
}

/** Helm strips characters that are not printable from text fields. */
function sanitize(s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
}

function isValidSemver(v: string): boolean {
  try {
    parseVersion(v);
    return true;
  } catch {
    return false;
  }
}

function validateDependencies(md: ChartMetadata): void {
  const seen = new Set<string>();
  for (const dep of md.dependencies ?? []) {
    if (dep.alias !== undefined && dep.alias !== '' && !ALIAS_PATTERN.test(dep.alias))
      throw new ChartValidationError(`dependency "${dep.name}" has disallowed characters in the alias`);
    const key = dep.alias || dep.name;
    if (seen.has(key)) throw new ChartValidationError(`more than one dependency with name or alias "${key}"`);
    seen.add(key);
  }
}

/** Helm's Metadata.Validate. */
export function validateMetadata(md: ChartMetadata): void {
  for (const key of ['name', 'description', 'home', 'icon', 'version', 'appVersion', 'kubeVersion']) {
    const value = sanitize(md[key] as string | undefined);
    if (value !== undefined) md[key] = value;
  }
  if (!md.apiVersion) throw new ChartValidationError('chart.metadata.apiVersion is required');
  if (!md.name) throw new ChartValidationError('chart.metadata.name is required');
  if (md.name.includes('/')) throw new ChartValidationError(`chart.metadata.name "${md.name}" is invalid`);
  if (!md.version) throw new ChartValidationError('chart.metadata.version is required');
  if (!isValidSemver(md.version))
    throw new ChartValidationError(`chart.metadata.version "${md.version}" is invalid`);
  if (md.type && md.type !== 'application' && md.type !== 'library')
    throw new ChartValidationError('chart.metadata.type must be application or library');
  validateDependencies(md);
}
