// Finding and reading a kustomization file (kustomization.yaml, .yml or Kustomization).
import path from 'node:path';
import { KustomizeError } from './errors.js';
import type { ConfinedFiles } from './files.js';
import { isObject, parseAsText, parseDocuments } from './yaml-io.js';

export const KUSTOMIZATION_FILE_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

export type Kustomization = Record<string, unknown>;

export interface LoadedKustomization {
  readonly file: string;
  readonly dir: string;
  readonly kustomization: Kustomization;
  /** The same file read with every scalar as a string (image tags like `1.10` must stay text). */
  readonly asText: Kustomization;
}

/** Field names as kustomize spells them; Go's YAML decoding matches them case-insensitively. */
/** Top-level kustomization.yaml fields the engine reads. */
export const KNOWN_FIELDS = [
  'apiVersion',
  'kind',
  'metadata',
  'resources',
  'bases',
  'components',
  'namespace',
  'namePrefix',
  'nameSuffix',
  'commonLabels',
  'labels',
  'commonAnnotations',
  'images',
  'replicas',
  'patches',
  'patchesStrategicMerge',
  'patchesJson6902',
  'configMapGenerator',
  'secretGenerator',
  'generatorOptions',
  'sortOptions',
  'configurations',
  'replacements',
  'transformers',
  'generators',
  'vars',
  'openapi',
  'crds',
  'buildMetadata',
  'helmCharts',
  'helmGlobals',
  'validators',
];

/**
 * Fields the engine refuses rather than silently building something different: the legacy
 * helmChartInflationGenerator (kustomize's deprecated form; use helmCharts).
 */
const UNSUPPORTED_FIELDS = ['helmChartInflationGenerator'];

const CANONICAL_NAMES = new Map(
  [...KNOWN_FIELDS, ...UNSUPPORTED_FIELDS].map((name) => [name.toLowerCase(), name] as const),
);

function canonicalKeys(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(value).map(([key, entry]) => [CANONICAL_NAMES.get(key.toLowerCase()) ?? key, entry]),
  );
}

export function findKustomizationFile(files: ConfinedFiles, dir: string): string | undefined {
  for (const name of KUSTOMIZATION_FILE_NAMES) {
    const candidate = path.join(dir, name);
    if (files.exists(candidate) && !files.isDirectory(candidate)) return candidate;
  }
  return undefined;
}

export function loadKustomization(files: ConfinedFiles, dir: string): LoadedKustomization {
  const file = findKustomizationFile(files, dir);
  const relative = files.relative(dir);
  if (file === undefined) {
    throw new KustomizeError(
      'NO_KUSTOMIZATION',
      `unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '${relative}'`,
    );
  }
  const name = files.relative(file);
  const text = files.readText(file);
  const [value, ...rest] = parseDocuments(text, name);
  if (rest.some((extra) => extra !== null && extra !== undefined)) {
    throw new KustomizeError('INVALID_KUSTOMIZATION', 'a kustomization file must hold one document', name);
  }
  const parsed = value === null || value === undefined ? {} : value;
  if (!isObject(parsed)) {
    throw new KustomizeError('INVALID_KUSTOMIZATION', 'the kustomization is not a mapping', name);
  }
  const kustomization = canonicalKeys(parsed);
  checkSupported(kustomization, name);
  const asText = parseAsText(text, name);
  return { file, dir, kustomization, asText: isObject(asText) ? canonicalKeys(asText) : {} };
}

function checkSupported(kustomization: Kustomization, file: string): void {
  const kind = kustomization['kind'];
  if (kind !== undefined && kind !== 'Kustomization' && kind !== 'Component') {
    throw new KustomizeError('INVALID_KUSTOMIZATION', `unknown kustomization kind '${String(kind)}'`, file);
  }
  for (const field of UNSUPPORTED_FIELDS) {
    const value = kustomization[field];
    if (value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0)) {
      throw new KustomizeError('UNSUPPORTED', `the '${field}' field is not supported yet`, file);
    }
  }
}

export function isComponent(loaded: LoadedKustomization): boolean {
  return loaded.kustomization['kind'] === 'Component';
}

/** A list-of-strings field; anything else is a kustomization error naming the field. */
export function stringList(loaded: LoadedKustomization, field: string): string[] {
  const value = loaded.kustomization[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new KustomizeError('INVALID_KUSTOMIZATION', `'${field}' must be a list of strings`, loaded.file);
  }
  return value as string[];
}

export function objectList(loaded: LoadedKustomization, field: string): Record<string, unknown>[] {
  const value = loaded.kustomization[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => !isObject(item))) {
    throw new KustomizeError('INVALID_KUSTOMIZATION', `'${field}' must be a list of mappings`, loaded.file);
  }
  return value as Record<string, unknown>[];
}

export function stringMapField(loaded: LoadedKustomization, field: string): Record<string, string> {
  return toStringMap(loaded.asText[field]);
}

export function toStringMap(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  const result: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) result[key] = entry === null ? '' : String(entry);
  return result;
}

export function stringField(loaded: LoadedKustomization, field: string): string {
  const value = loaded.asText[field];
  return typeof value === 'string' ? value : '';
}
