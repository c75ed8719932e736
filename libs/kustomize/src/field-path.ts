// kyaml field paths as replacements use them: `spec.containers.[name=web].image`, `[a.b/c]` for
// keys with dots, numeric list indexes and `*` for every list item.
import { KustomizeError } from './errors.js';
import { isObject } from './yaml-io.js';

/** Where a field lives: its container and the key or index in it. */
export interface FieldLocation {
  readonly container: Record<string, unknown> | unknown[];
  readonly key: string | number;
}

export function splitFieldPath(fieldPath: string): string[] {
  const segments: string[] = [];
  let current = '';
  let depth = 0;
  for (const char of fieldPath) {
    if (char === '[') depth += 1;
    if (char === ']') depth -= 1;
    if (char === '.' && depth === 0) {
      segments.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  segments.push(current);
  // `ports[0]` (the vars field path style) is the list `ports`, then index 0.
  return segments
    .flatMap((segment) => {
      const indexed = /^([^[]+)\[(\d+)\]$/.exec(segment);
      return indexed === null ? [segment] : [indexed[1] as string, indexed[2] as string];
    })
    .filter((segment) => segment !== '');
}

/** Finds (and with `create`, makes) the fields at a path; none when the path does not exist. */
export function locateFields(
  root: Record<string, unknown>,
  fieldPath: string,
  create: boolean,
): FieldLocation[] {
  const segments = splitFieldPath(fieldPath);
  if (segments.length === 0)
    throw new KustomizeError('INVALID_KUSTOMIZATION', `empty field path '${fieldPath}'`);
  let nodes: unknown[] = [root];
  for (const segment of segments.slice(0, -1)) {
    nodes = nodes.flatMap((node) => childrenOf(node, segment, create));
  }
  const last = segments[segments.length - 1] as string;
  return nodes.flatMap((node) => leafLocations(node, last, create));
}

function bracketContent(segment: string): string | undefined {
  return segment.startsWith('[') && segment.endsWith(']') ? segment.slice(1, -1) : undefined;
}

function childrenOf(node: unknown, segment: string, create: boolean): unknown[] {
  if (Array.isArray(node)) return listChildren(node, segment, create);
  if (!isObject(node)) return [];
  const key = bracketContent(segment) ?? segment;
  if (node[key] === undefined || node[key] === null) {
    if (!create) return [];
    node[key] = {};
  }
  return [node[key]];
}

function listChildren(list: unknown[], segment: string, create: boolean): unknown[] {
  if (segment === '*') return list;
  if (/^\d+$/.test(segment)) return list[Number(segment)] === undefined ? [] : [list[Number(segment)]];
  const selector = bracketContent(segment);
  const equals = selector?.indexOf('=') ?? -1;
  if (selector === undefined || equals < 0) return [];
  const [field, value] = [selector.slice(0, equals), selector.slice(equals + 1)];
  const matches = list.filter((item) => isObject(item) && String(item[field]) === value);
  if (matches.length === 0 && create) {
    const created = { [field]: value };
    list.push(created);
    return [created];
  }
  return matches;
}

function leafLocations(node: unknown, segment: string, create: boolean): FieldLocation[] {
  if (Array.isArray(node)) {
    if (/^\d+$/.test(segment))
      return Number(segment) < node.length ? [{ container: node, key: Number(segment) }] : [];
    return listChildren(node, segment, false).map((item) => ({ container: node, key: node.indexOf(item) }));
  }
  if (!isObject(node)) return [];
  const key = bracketContent(segment) ?? segment;
  return key in node || create ? [{ container: node, key }] : [];
}

export function readLocation(location: FieldLocation): unknown {
  return Array.isArray(location.container)
    ? location.container[location.key as number]
    : location.container[location.key as string];
}

export function writeLocation(location: FieldLocation, value: unknown): void {
  if (Array.isArray(location.container)) location.container[location.key as number] = value;
  else location.container[location.key as string] = value;
}
