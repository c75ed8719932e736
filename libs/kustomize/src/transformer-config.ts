// Transformer configuration: the built-in field specs plus the `configurations` files of every
// kustomization taking part (kustomize merges them upwards, so a base's config serves overlays).
import path from 'node:path';
import type { TypeSchema } from '@flotilla/kube-patch';
import { KustomizeError } from './errors.js';
import type { FieldSpec } from './field-specs.js';
import type { ConfinedFiles } from './files.js';
import type { LoadedKustomization } from './kustomization.js';
import { NAME_REFERENCE_RULES, type NameReferenceRule, type Referrer } from './name-reference-config.js';
import { BUILTIN_VAR_REFERENCES, type VarDefinition } from './vars.js';
import { isObject, parseDocuments } from './yaml-io.js';

export interface TransformerConfig {
  /** Extra namespace fields beyond metadata/namespace. */
  readonly namespace: FieldSpec[];
  /** Extra fields for commonLabels and selector-including labels. */
  readonly commonLabels: FieldSpec[];
  readonly commonAnnotations: FieldSpec[];
  /** Extra name fields beyond metadata/name that namePrefix / nameSuffix change. */
  readonly namePrefix: FieldSpec[];
  readonly nameSuffix: FieldSpec[];
  /** Extra image fields beyond containers/initContainers. */
  readonly images: FieldSpec[];
  readonly nameReference: NameReferenceRule[];
  /** Fields `vars` are substituted in. */
  readonly varReference: FieldSpec[];
  /** `vars` of every kustomization taking part. */
  readonly vars: VarDefinition[];
  /** Custom schemas from `openapi`, by `apiVersion/kind`. */
  readonly schemas: Map<string, TypeSchema>;
}

export function emptyTransformerConfig(): TransformerConfig {
  return {
    namespace: [],
    commonLabels: [],
    commonAnnotations: [],
    namePrefix: [],
    nameSuffix: [],
    images: [],
    nameReference: [],
    varReference: [],
    vars: [],
    schemas: new Map(),
  };
}

export function builtinTransformerConfig(): TransformerConfig {
  return {
    ...emptyTransformerConfig(),
    nameReference: [...NAME_REFERENCE_RULES],
    varReference: [...BUILTIN_VAR_REFERENCES],
  };
}

const SPEC_SECTIONS = [
  'namespace',
  'commonLabels',
  'commonAnnotations',
  'namePrefix',
  'nameSuffix',
  'images',
  'varReference',
] as const;

export function mergeTransformerConfig(into: TransformerConfig, from: TransformerConfig): void {
  for (const key of SPEC_SECTIONS) {
    for (const spec of from[key]) if (!into[key].some((known) => sameSpec(known, spec))) into[key].push(spec);
  }
  for (const rule of from.nameReference)
    if (!into.nameReference.includes(rule)) into.nameReference.push(rule);
}

function sameSpec(a: FieldSpec, b: FieldSpec): boolean {
  return a.path === b.path && a.kind === b.kind && a.group === b.group && a.version === b.version;
}

/** Sections of a configurations file this engine acts on. */
const KNOWN_SECTIONS = new Set<string>([...SPEC_SECTIONS, 'nameReference']);

export function loadConfigurations(
  files: ConfinedFiles,
  loaded: LoadedKustomization,
  into: TransformerConfig,
): void {
  const entries = loaded.kustomization['configurations'];
  if (!Array.isArray(entries)) return;
  for (const entry of entries) {
    const file = files.resolve(loaded.dir, String(entry));
    const source = files.relative(file);
    for (const document of parseDocuments(files.readText(file), source)) {
      if (document === null || document === undefined) continue;
      if (!isObject(document))
        throw new KustomizeError('INVALID_KUSTOMIZATION', 'a configuration must be a mapping', source);
      mergeTransformerConfig(into, parseConfiguration(document, source));
    }
  }
}

function parseConfiguration(document: Record<string, unknown>, source: string): TransformerConfig {
  for (const key of Object.keys(document)) {
    if (!KNOWN_SECTIONS.has(key)) {
      throw new KustomizeError(
        'UNSUPPORTED',
        `transformer configuration '${key}' is not supported yet`,
        source,
      );
    }
  }
  const config = emptyTransformerConfig();
  for (const key of SPEC_SECTIONS) config[key].push(...fieldSpecs(document[key]));
  config.nameReference.push(...nameReferences(document['nameReference']));
  return config;
}

export function fieldSpecs(value: unknown): FieldSpec[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).map((entry) => {
    const spec: { -readonly [K in keyof FieldSpec]: FieldSpec[K] } = { path: String(entry['path'] ?? '') };
    for (const key of ['kind', 'group', 'version'] as const) {
      if (typeof entry[key] === 'string' && entry[key] !== '') spec[key] = entry[key];
    }
    if (entry['create'] === true) spec.create = true;
    return spec;
  });
}

function nameReferences(value: unknown): NameReferenceRule[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).map((entry) => ({
    kind: String(entry['kind'] ?? ''),
    referrers: fieldSpecs(entry['fieldSpecs']).map(toReferrer),
  }));
}

/** `spec/issuerRef/name` → the holder at `spec/issuerRef`, the name in its `name` field. */
function toReferrer(spec: FieldSpec): Referrer {
  const holder = path.posix.dirname(spec.path);
  const referrer = { path: holder === '.' ? '' : holder, nameField: path.posix.basename(spec.path) };
  return spec.kind === undefined ? referrer : { ...referrer, kind: spec.kind };
}
