// YAML in and out. Output follows kyaml's conventions (2-space indent, sequences not indented
// under their key, `---` between documents).
import { isScalar, parseAllDocuments, Scalar, stringify, visit, type Document } from 'yaml';
import { KustomizeError } from './errors.js';
import type { KObject } from './resource.js';

const MAX_ALIAS_COUNT = 1000;

/** Parses a YAML stream into its non-empty documents, unwrapping `kind: List` items. */
export function parseObjects(text: string, file: string): KObject[] {
  const objects: KObject[] = [];
  for (const value of parseDocuments(text, file)) {
    if (value === null || value === undefined) continue;
    if (!isObject(value)) {
      throw new KustomizeError('INVALID_RESOURCE', 'a document is not a mapping', file);
    }
    objects.push(...unwrapList(value, file));
  }
  return objects;
}

export function parseDocuments(text: string, file: string): unknown[] {
  const documents = parseAllDocuments(text, { uniqueKeys: false });
  const values: unknown[] = [];
  for (const document of documents) {
    const error = document.errors[0];
    if (error !== undefined)
      throw new KustomizeError('INVALID_YAML', error.message.split('\n')[0] ?? '', file);
    if (!text.endsWith('\n')) dropFinalBreakAtEof(document, text.length);
    values.push(document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }));
  }
  return values;
}

/**
 * A block scalar that ends the file without a final line break has no trailing newline in Go's
 * YAML (kyaml); the `yaml` package adds one, so take it off again.
 */
function dropFinalBreakAtEof(document: Document, length: number): void {
  visit(document, {
    Scalar(_key, node) {
      const blockTypes: unknown[] = [Scalar.BLOCK_LITERAL, Scalar.BLOCK_FOLDED];
      if (!isScalar(node) || !blockTypes.includes(node.type) || node.range?.[1] !== length) return;
      if (typeof node.value === 'string' && node.value.endsWith('\n')) node.value = node.value.slice(0, -1);
    },
  });
}

function unwrapList(value: Record<string, unknown>, file: string): KObject[] {
  const kind = value['kind'];
  if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(value['items'])) {
    return value['items'].flatMap((item: unknown) => {
      if (!isObject(item)) throw new KustomizeError('INVALID_RESOURCE', 'a List item is not a mapping', file);
      return unwrapList(item, file);
    });
  }
  return [value as KObject];
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Prints objects as one YAML stream, map keys sorted as kustomize's JSON round trip leaves them. */
export function printObjects(objects: readonly KObject[]): string {
  return objects
    .map(sortKeys)
    .map((object) => stringify(object, { indentSeq: false, lineWidth: 0, aliasDuplicateObjects: false }))
    .join('---\n');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.map((key) => [key, sortKeys(value[key])]));
}
