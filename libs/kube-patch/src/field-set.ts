// A set of field paths stored as a trie keyed by encoded path elements, and its FieldsV1 form:
// `{"f:spec":{"f:replicas":{}},"f:metadata":{"f:labels":{".":{},"f:app":{}}}}`. A node is a member
// of the set when it is a leaf (`{}`) or carries `"."`; other nodes are only prefixes of members.

import { PatchError } from './errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from './json.js';
import {
  canonicalPathElement,
  decodePathElement,
  encodePathElement,
  type FieldPath,
  type PathElement,
} from './field-path.js';

const SELF = '.';
const KIND_ORDER: Readonly<Record<string, number>> = { 'f:': 0, 'k:': 1, 'v:': 2, 'i:': 3 };

/** FieldsV1 order: fields, then keyed items, set values, indexes; each group sorted. */
function compareEncoded(left: string, right: string): number {
  const byKind = (KIND_ORDER[left.slice(0, 2)] ?? 9) - (KIND_ORDER[right.slice(0, 2)] ?? 9);
  if (byKind !== 0) return byKind;
  if (left.startsWith('i:') && right.startsWith('i:')) return Number(left.slice(2)) - Number(right.slice(2));
  return left < right ? -1 : left > right ? 1 : 0;
}

export class FieldSet {
  private readonly members = new Set<string>();
  private readonly children = new Map<string, FieldSet>();

  static fromPaths(paths: Iterable<FieldPath>): FieldSet {
    const set = new FieldSet();
    for (const path of paths) set.insert(path);
    return set;
  }

  /** Parses a managedFields `fieldsV1` trie. */
  static fromFieldsV1(fieldsV1: unknown): FieldSet {
    if (!isJsonObject(fieldsV1)) throw new PatchError('INVALID_FIELDS_V1', 'fieldsV1 must be an object');
    const set = new FieldSet();
    set.readTrie(fieldsV1);
    return set;
  }

  private readTrie(node: JsonObject): void {
    for (const [encoded, child] of Object.entries(node)) {
      if (encoded === SELF) continue;
      if (!isJsonObject(child))
        throw new PatchError('INVALID_FIELDS_V1', `fieldsV1 entry ${encoded} is not an object`);
      const element = canonicalPathElement(encoded);
      const keys = Object.keys(child);
      if (keys.length === 0 || keys.includes(SELF)) this.members.add(element);
      if (keys.some((key) => key !== SELF)) this.childFor(element).readTrie(child);
    }
  }

  private childFor(element: string): FieldSet {
    let child = this.children.get(element);
    if (!child) {
      child = new FieldSet();
      this.children.set(element, child);
    }
    return child;
  }

  /** Adds `path` as a member. The empty path (the object itself) is not representable and is ignored. */
  insert(path: FieldPath): this {
    const [first, ...rest] = path;
    if (!first) return this;
    this.insertEncoded([encodePathElement(first), ...rest.map(encodePathElement)]);
    return this;
  }

  /** Adds a member given its already-encoded elements. */
  insertEncoded(elements: readonly string[]): void {
    const [first, ...rest] = elements;
    if (first === undefined) return;
    if (rest.length === 0) this.members.add(first);
    else this.childFor(first).insertEncoded(rest);
  }

  has(path: FieldPath): boolean {
    const [first, ...rest] = path;
    if (!first) return false;
    const element = encodePathElement(first);
    if (rest.length === 0) return this.members.has(element);
    return this.children.get(element)?.has(rest) ?? false;
  }

  /** Whether the element directly below this node is a member. */
  hasMember(element: string): boolean {
    return this.members.has(element);
  }

  /** The subset below `element` (relative paths), if any. */
  child(element: string): FieldSet | undefined {
    return this.children.get(element);
  }

  /** Encoded elements that are members or prefixes directly below this node. */
  elements(): string[] {
    return [...new Set([...this.members, ...this.children.keys()])].sort(compareEncoded);
  }

  isEmpty(): boolean {
    return this.members.size === 0 && [...this.children.values()].every((child) => child.isEmpty());
  }

  get size(): number {
    let total = this.members.size;
    for (const child of this.children.values()) total += child.size;
    return total;
  }

  union(other: FieldSet): FieldSet {
    const result = this.copy();
    result.addAll(other);
    return result;
  }

  private addAll(other: FieldSet): void {
    for (const member of other.members) this.members.add(member);
    for (const [element, child] of other.children) this.childFor(element).addAll(child);
  }

  /** Members of this set that are not members of `other`. */
  difference(other: FieldSet): FieldSet {
    return this.combine(other, (mine, theirs) => mine && !theirs);
  }

  intersection(other: FieldSet): FieldSet {
    return this.combine(other, (mine, theirs) => mine && theirs);
  }

  private combine(other: FieldSet | undefined, keep: (mine: boolean, theirs: boolean) => boolean): FieldSet {
    const result = new FieldSet();
    for (const member of this.members) {
      if (keep(true, other?.members.has(member) ?? false)) result.members.add(member);
    }
    for (const [element, child] of this.children) {
      const combined = child.combine(other?.children.get(element), keep);
      if (!combined.isEmpty()) result.children.set(element, combined);
    }
    return result;
  }

  copy(): FieldSet {
    const result = new FieldSet();
    result.addAll(this);
    return result;
  }

  equals(other: FieldSet): boolean {
    return this.difference(other).isEmpty() && other.difference(this).isEmpty();
  }

  /** Every member path, in FieldsV1 order. */
  paths(): FieldPath[] {
    const result: PathElement[][] = [];
    this.collect([], result);
    return result;
  }

  private collect(prefix: PathElement[], out: PathElement[][]): void {
    for (const element of this.elements()) {
      const path = [...prefix, decodePathElement(element)];
      if (this.members.has(element)) out.push(path);
      this.children.get(element)?.collect(path, out);
    }
  }

  /** The managedFields `fieldsV1` form. */
  toFieldsV1(): JsonObject {
    const trie: JsonObject = {};
    for (const element of this.elements()) {
      const child = this.children.get(element);
      const node: Record<string, JsonValue> = {};
      if (child && !child.isEmpty()) {
        if (this.members.has(element)) node[SELF] = {};
        Object.assign(node, child.toFieldsV1());
      } else if (!this.members.has(element)) {
        continue;
      }
      trie[element] = node;
    }
    return trie;
  }
}
