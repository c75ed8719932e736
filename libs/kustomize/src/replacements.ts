// `replacements`: copy a value from one resource's field into fields of selected resources.
import { parse as parseScalar } from 'yaml';
import { KustomizeError } from './errors.js';
import type { ConfinedFiles } from './files.js';
import { locateFields, readLocation, writeLocation } from './field-path.js';
import type { LoadedKustomization } from './kustomization.js';
import type { Resource } from './resource.js';
import { selectResources, toTarget } from './selector.js';
import { isObject, parseDocuments } from './yaml-io.js';

interface DelimiterOptions {
  readonly delimiter?: string;
  readonly index: number;
  readonly create: boolean;
}

export function loadReplacements(
  files: ConfinedFiles,
  loaded: LoadedKustomization,
): Record<string, unknown>[] {
  const entries = loaded.kustomization['replacements'];
  if (!Array.isArray(entries)) return [];
  const source = files.relative(loaded.file);
  return entries.flatMap((entry: unknown) => {
    if (!isObject(entry))
      throw new KustomizeError('INVALID_KUSTOMIZATION', 'a replacement must be a mapping', source);
    if (typeof entry['path'] !== 'string') return [entry];
    const file = files.resolve(loaded.dir, entry['path']);
    return parseDocuments(files.readText(file), files.relative(file)).flatMap((doc) =>
      Array.isArray(doc) ? doc.filter(isObject) : isObject(doc) ? [doc] : [],
    );
  });
}

export function applyReplacements(
  resources: readonly Resource[],
  replacements: readonly Record<string, unknown>[],
): void {
  for (const replacement of replacements) {
    const value = sourceValue(resources, replacement['source']);
    const targets = Array.isArray(replacement['targets']) ? replacement['targets'].filter(isObject) : [];
    for (const target of targets) applyTarget(resources, target, value);
  }
}

function options(value: unknown): DelimiterOptions {
  const entry = isObject(value) ? value : {};
  const delimiter =
    typeof entry['delimiter'] === 'string' && entry['delimiter'] !== '' ? entry['delimiter'] : undefined;
  const index = typeof entry['index'] === 'number' ? entry['index'] : 0;
  return delimiter === undefined
    ? { index, create: entry['create'] === true }
    : { delimiter, index, create: entry['create'] === true };
}

function sourceValue(resources: readonly Resource[], source: unknown): unknown {
  if (!isObject(source)) throw new KustomizeError('INVALID_KUSTOMIZATION', 'a replacement needs a source');
  const selected = selectResources(resources, toTarget(source, 'replacement source'));
  if (selected.length !== 1) {
    const problem = selected.length === 0 ? 'nothing selected' : 'multiple matches';
    throw new KustomizeError(
      'INVALID_KUSTOMIZATION',
      `${problem} for replacement source ${JSON.stringify(source)}`,
    );
  }
  const fieldPath = typeof source['fieldPath'] === 'string' ? source['fieldPath'] : 'metadata.name';
  const [location] = locateFields((selected[0] as Resource).object, fieldPath, false);
  if (location === undefined) {
    throw new KustomizeError(
      'INVALID_KUSTOMIZATION',
      `fieldPath '${fieldPath}' is missing for replacement source`,
    );
  }
  const value = readLocation(location);
  const { delimiter, index } = options(source['options']);
  if (delimiter === undefined) return value;
  const parts = String(value).split(delimiter);
  if (index < 0 || index >= parts.length) {
    throw new KustomizeError(
      'INVALID_KUSTOMIZATION',
      `options.index ${index} is out of bounds for value ${String(value)}`,
    );
  }
  return parts[index];
}

function applyTarget(resources: readonly Resource[], target: Record<string, unknown>, value: unknown): void {
  const select = isObject(target['select']) ? toTarget(target['select'], 'replacement target') : {};
  const rejects = Array.isArray(target['reject']) ? target['reject'].filter(isObject) : [];
  const rejected = new Set(
    rejects.flatMap((reject) => selectResources(resources, toTarget(reject, 'replacement reject'))),
  );
  const fieldPaths = Array.isArray(target['fieldPaths'])
    ? target['fieldPaths'].map(String)
    : ['metadata.name'];
  const targetOptions = options(target['options']);
  for (const resource of selectResources(resources, select)) {
    if (rejected.has(resource)) continue;
    for (const fieldPath of fieldPaths) {
      const locations = locateFields(resource.object, fieldPath, targetOptions.create);
      if (locations.length === 0) {
        throw new KustomizeError(
          'INVALID_KUSTOMIZATION',
          `unable to find field "${fieldPath}" in replacement target`,
        );
      }
      for (const location of locations)
        writeLocation(location, replaced(readLocation(location), value, targetOptions));
    }
  }
}

/** A scalar takes the source's text and keeps its own type when it is a string; new fields are typed from the text. */
function replaced(current: unknown, value: unknown, targetOptions: DelimiterOptions): unknown {
  if (typeof value === 'object' && value !== null) return structuredClone(value);
  let text = String(value);
  if (targetOptions.delimiter !== undefined)
    text = spliceDelimited(String(current ?? ''), text, targetOptions);
  if (typeof current === 'string') return text;
  const typed: unknown = parseScalar(text);
  return typeof typed === 'object' && typed !== null ? text : typed;
}

function spliceDelimited(current: string, text: string, { delimiter, index }: DelimiterOptions): string {
  const separator = delimiter ?? '';
  const parts = current.split(separator);
  if (index < 0) return [text, ...parts].join(separator);
  if (index >= parts.length) return [...parts, text].join(separator);
  parts[index] = text;
  return parts.join(separator);
}
