// YAML in and out. Output follows kyaml's conventions (2-space indent, sequences not indented
// under their key, `---` between documents).
import { Document, isScalar, parseAllDocuments, parseDocument, Scalar, visit, type ScalarTag } from 'yaml';
import { stringTag } from 'yaml/util';
import { KustomizeError } from './errors.js';
import type { KObject } from './resource.js';

const MAX_ALIAS_COUNT = 1000;
/** Deeper documents are refused: real manifests nest a few dozen levels, and recursion must stay bounded. */
export const MAX_NESTING_DEPTH = 256;

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

/** More documents than this in one file is refused before parsing (each costs time and memory). */
export const MAX_DOCUMENTS_PER_FILE = 100_000;

export function parseDocuments(text: string, file: string): unknown[] {
  let markers = 0;
  for (let at = text.indexOf('---'); at >= 0; at = text.indexOf('---', at + 3)) {
    if ((at === 0 || text[at - 1] === '\n') && (markers += 1) > MAX_DOCUMENTS_PER_FILE) {
      throw new KustomizeError(
        'LIMIT_EXCEEDED',
        `more than ${MAX_DOCUMENTS_PER_FILE} YAML documents in one file`,
        file,
      );
    }
  }
  const documents = parseAllDocuments(text, { uniqueKeys: false });
  const values: unknown[] = [];
  for (const document of documents) {
    const error = document.errors[0];
    if (error !== undefined) throw yamlError(error.message, file);
    if (!text.endsWith('\n')) dropFinalBreakAtEof(document, text.length);
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (caught) {
      throw yamlError(caught instanceof Error ? caught.message : String(caught), file);
    }
    checkDepth(value, file);
    values.push(value);
  }
  return values;
}

/** The first document with every scalar kept as text (YAML's failsafe schema). */
export function parseAsText(text: string, file: string): unknown {
  try {
    return parseDocument(text, { schema: 'failsafe' }).toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (caught) {
    throw yamlError(caught instanceof Error ? caught.message : String(caught), file);
  }
}

function yamlError(message: string, file: string): KustomizeError {
  const line = message.split('\n')[0] ?? '';
  if (line.includes('Maximum call stack size exceeded')) {
    return new KustomizeError('LIMIT_EXCEEDED', `YAML nests too deep (more than the parser's stack)`, file);
  }
  if (/alias/i.test(line) && /excessive|count/i.test(line)) {
    return new KustomizeError('LIMIT_EXCEEDED', `YAML aliases expand too much: ${line}`, file);
  }
  return new KustomizeError('INVALID_YAML', line, file);
}

/** Refuses values nested deeper than MAX_NESTING_DEPTH (checked without recursion). */
function checkDepth(root: unknown, file: string): void {
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_NESTING_DEPTH) {
      throw new KustomizeError(
        'LIMIT_EXCEEDED',
        `YAML nests more than ${MAX_NESTING_DEPTH} levels deep`,
        file,
      );
    }
    for (const child of Object.values(value)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
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

/**
 * Prints objects as one YAML stream, map keys sorted as kustomize's JSON round trip leaves them,
 * scalars quoted as go-yaml (kyaml) quotes them: strings Go would read as another type in double
 * quotes, other strings that cannot be plain in single quotes, multi-line strings as literals.
 */
export function printObjects(objects: readonly KObject[]): string {
  return objects.map(printObject).join('---\n');
}

/** go-yaml's line width: plain and single-quoted scalars fold at the first space past it. */
const GO_BEST_WIDTH = 80;

/**
 * The string tag with go-yaml's folding: where the `yaml` package folds before the width, go-yaml
 * writes on until the column passes 80 and breaks at the next space, so lines run a word over.
 */
const goStringTag: ScalarTag = {
  ...stringTag,
  stringify(item, ctx, onComment, onChompKeep) {
    const value = (item as Scalar).value;
    // Text go-yaml would read as a number, bool, null or time: double quotes (plain ASCII, so JSON's).
    if (typeof value === 'string' && readsAsNonString(value)) return JSON.stringify(value);
    const start =
      typeof ctx.indentAtStart === 'number' ? ctx.indent.length - 2 + ctx.indentAtStart : ctx.indent.length;
    if (typeof value === 'string' && needsDoubleQuotes(value)) {
      return goDoubleQuoted(value, ctx.implicitKey ? undefined : { start, indent: ctx.indent });
    }
    let text = (stringTag.stringify as NonNullable<ScalarTag['stringify']>)(
      item,
      ctx,
      onComment,
      onChompKeep,
    );
    // go-yaml keeps single quotes for text with `'` in it (doubled), where `yaml` switches to double.
    if (text.startsWith('"') && typeof value === 'string' && singleQuotable(value)) {
      text = `'${value.replaceAll("'", "''")}'`;
    }
    if (ctx.implicitKey || text.includes('\n') || text.startsWith('"')) return text;
    return goFold(text, start, ctx.indent);
  },
};

/** Printable as go-yaml's emitter defines it (tab, line breaks and astral characters are not). */
function goPrintable(code: number): boolean {
  return (
    (code >= 0x20 && code <= 0x7e) ||
    (code >= 0xa0 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd && code !== 0xfeff)
  );
}

/**
 * Text go-yaml can only write double-quoted: with a tab or another unprintable character, or on
 * several lines with a space before a line break or at the end (no literal block can hold it).
 */
function needsDoubleQuotes(value: string): boolean {
  for (const character of value) {
    const code = character.codePointAt(0) ?? 0;
    if (code !== 0x0a && !goPrintable(code)) return true;
  }
  return value.includes('\n') && (value.includes(' \n') || value.endsWith(' '));
}

const GO_ESCAPES: Readonly<Record<number, string>> = {
  0x00: '0',
  0x07: 'a',
  0x08: 'b',
  0x09: 't',
  0x0a: 'n',
  0x0b: 'v',
  0x0c: 'f',
  0x0d: 'r',
  0x1b: 'e',
  0x22: '"',
  0x5c: '\\',
  0x85: 'N',
  0x2028: 'L',
  0x2029: 'P',
};

function goEscape(code: number): string {
  const named = GO_ESCAPES[code];
  if (named !== undefined) return `\\${named}`;
  const hex = code.toString(16).toUpperCase();
  if (code <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  return code <= 0xffff ? `\\u${hex.padStart(4, '0')}` : `\\U${hex.padStart(8, '0')}`;
}

/**
 * go-yaml's double-quoted scalar: escapes for breaks, quotes, backslashes and unprintables, and
 * (outside keys) a fold at the first space past column 80, a `\\` keeping a following space.
 */
export function goDoubleQuoted(value: string, fold?: { start: number; indent: string }): string {
  const characters = [...value];
  let output = '"';
  let column = (fold?.start ?? 0) + 1;
  let spaces = false;
  characters.forEach((character, index) => {
    const code = character.codePointAt(0) ?? 0;
    if (!goPrintable(code) || character === '"' || character === '\\') {
      const escape = goEscape(code);
      output += escape;
      column += escape.length;
      spaces = false;
      return;
    }
    const folds =
      fold !== undefined &&
      character === ' ' &&
      !spaces &&
      column > GO_BEST_WIDTH &&
      index > 0 &&
      index < characters.length - 1;
    if (folds) {
      const keep = characters[index + 1] === ' ' ? '\\' : '';
      output += `\n${fold.indent}${keep}`;
      column = fold.indent.length + keep.length;
    } else {
      output += character;
      column += 1;
    }
    spaces = character === ' ';
  });
  return `${output}"`;
}

/** Text go-yaml would write single-quoted: printable, one line, and not read as another type. */
function singleQuotable(value: string): boolean {
  if (value.includes('\n') || readsAsNonString(value)) return false;
  for (const character of value) {
    const code = character.codePointAt(0) ?? 0;
    const printable =
      (code >= 0x20 && code <= 0x7e) ||
      (code >= 0xa0 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd && code !== 0xfeff);
    if (!printable) return false;
  }
  return true;
}

/** Replaces a space with a line break where go-yaml's emitter would (plain or single-quoted text). */
export function goFold(text: string, startColumn: number, indent: string): string {
  if (startColumn + text.length <= GO_BEST_WIDTH) return text;
  const quoted = text.startsWith("'");
  const characters = [...text];
  let column = startColumn;
  let output = '';
  for (let index = 0; index < characters.length; index += 1) {
    const character = characters[index] as string;
    const foldable =
      character === ' ' &&
      column > GO_BEST_WIDTH &&
      characters[index - 1] !== ' ' &&
      characters[index + 1] !== undefined &&
      characters[index + 1] !== ' ' &&
      (!quoted || (index > 1 && index < characters.length - 2));
    if (foldable) {
      output += `\n${indent}`;
      column = indent.length;
    } else {
      output += character;
      column += 1;
    }
  }
  return output;
}

function printObject(object: KObject): string {
  const document = new Document(sortKeys(object), {
    aliasDuplicateObjects: false,
    customTags: (tags) =>
      tags.map((tag) => (typeof tag === 'object' && tag.tag === stringTag.tag ? goStringTag : tag)),
  });
  return document.toString({ indentSeq: false, lineWidth: 0, singleQuote: true, blockQuote: 'literal' });
}

const GO_NULL_OR_BOOL =
  /^(?:|~|null|Null|NULL|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|true|True|TRUE|false|False|FALSE)$/;
const GO_INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[0-9]+)$/;
const GO_FLOAT = /^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/;
const GO_SPECIAL_FLOAT = /^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const GO_TIMESTAMP =
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt ][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]*)?(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?)?)?$/;
const GO_BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** Whether go-yaml would resolve this plain text to something other than a string. */
export function readsAsNonString(text: string): boolean {
  if (GO_NULL_OR_BOOL.test(text) || GO_SPECIAL_FLOAT.test(text)) return true;
  if (!/^[-+.0-9]/.test(text)) return false;
  const digits = text.replaceAll('_', '');
  return GO_INT.test(digits) || GO_FLOAT.test(digits) || GO_TIMESTAMP.test(text) || GO_BASE60.test(text);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(keys.map((key) => [key, sortKeys(value[key])]));
}
