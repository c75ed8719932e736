// YAML store on the `yaml` package: documents become branches, comments become tree items where
// sops' yaml.v3 store puts them (so they are encrypted under the same path), output is indented
// by 4 like sops' encoder.
import {
  Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  Pair,
  parseAllDocuments,
  Scalar,
  YAMLMap,
  YAMLSeq,
  type Node as YamlNode,
} from 'yaml';
import { SopsDecryptionError } from '../errors.js';
import { metadataFromPlain, metadataToPlain, type SopsMetadata } from '../metadata.js';
import { Branch, Comment, fromPlain, toPlain, type TreeItem, type TreeValue } from '../tree.js';
import type { Store } from './store.js';

type AnyDoc = Document.Parsed;

function commentLines(text: string | null | undefined): Comment[] {
  if (!text) return [];
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => new Comment(line));
}

function commentItems(text: string | null | undefined): TreeItem[] {
  return commentLines(text).map((c) => ({ key: c, value: null }));
}

function scalarValue(node: Scalar): TreeValue {
  const v = node.value;
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') {
    return v;
  }
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  return String(v);
}

class YamlReader {
  constructor(private readonly doc: AnyDoc) {}

  private resolve(node: unknown): unknown {
    return isAlias(node) ? node.resolve(this.doc) : node;
  }

  value(raw: unknown, commentsHandled: boolean): TreeValue {
    const node = this.resolve(raw);
    if (isMap(node)) return this.branch(node, commentsHandled);
    if (isSeq(node)) return this.list(node, commentsHandled);
    if (isScalar(node)) return scalarValue(node);
    return null;
  }

  private list(node: YAMLSeq, commentsHandled: boolean): TreeValue[] {
    const out: TreeValue[] = commentsHandled ? [] : [...commentLines(node.commentBefore)];
    for (const raw of node.items) {
      const item = raw as YamlNode;
      out.push(...commentLines(item?.commentBefore));
      if (isScalar(item) || isAlias(item)) out.push(...commentLines(item.comment));
      out.push(this.value(item, true));
      if (isMap(item) || isSeq(item)) out.push(...commentLines(item.comment));
    }
    if (!commentsHandled) out.push(...commentLines(node.comment));
    return out;
  }

  branch(node: YAMLMap, commentsHandled: boolean): Branch {
    const items: TreeItem[] = commentsHandled ? [] : commentItems(node.commentBefore);
    for (const pair of node.items) {
      const key = this.resolve(pair.key) as YamlNode | null;
      const value = this.resolve(pair.value) as YamlNode | null;
      items.push(...commentItems(key?.commentBefore), ...commentItems(key?.comment));
      const scalarValue = !isMap(value) && !isSeq(value);
      if (scalarValue) items.push(...commentItems(value?.commentBefore), ...commentItems(value?.comment));
      const keyText = isScalar(key) ? String(key.value) : String(key);
      items.push({ key: keyText, value: this.value(pair.value, scalarValue) });
    }
    if (!commentsHandled) items.push(...commentItems(node.comment));
    return new Branch(items);
  }
}

function parseDocuments(text: string): Branch[] {
  const docs = parseAllDocuments(text, { intAsBigInt: true, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  return list.map((doc) => {
    const error = doc.errors[0];
    if (error) throw new SopsDecryptionError('InvalidDocument', `invalid YAML: ${error.message}`);
    const reader = new YamlReader(doc);
    const contents = doc.contents;
    const head = commentItems(doc.commentBefore);
    const tail = commentItems(doc.comment);
    if (contents === null || (isScalar(contents) && contents.value === null)) {
      return new Branch([...head, ...tail]);
    }
    if (!isMap(contents)) {
      throw new SopsDecryptionError(
        'InvalidDocument',
        'YAML documents that are not mappings are not supported',
      );
    }
    const body = reader.branch(contents, false);
    return new Branch([...head, ...body.items, ...tail]);
  });
}

function joinComments(comments: string[]): string | undefined {
  return comments.length > 0 ? comments.join('\n') : undefined;
}

function toNode(value: TreeValue): YamlNode {
  if (value instanceof Branch) return toMap(value);
  if (Array.isArray(value)) return toSeq(value);
  if (value instanceof Uint8Array) return new Scalar(Buffer.from(value).toString('utf8'));
  if (value instanceof Comment) return new Scalar(value.value);
  const scalar = new Scalar(value);
  // yaml.v3 quotes strings that YAML 1.1 would read as something else (timestamps, yes/no, 1:30).
  if (typeof value === 'string' && YAML11_NON_STRING.test(value)) scalar.type = Scalar.QUOTE_DOUBLE;
  return scalar;
}

const YAML11_NON_STRING =
  /^(?:[yYnN]|[yY]es|YES|[nN]o|NO|[oO]n|ON|[oO]ff|OFF|\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]|[ \t]+)\d{1,2}:\d{2}:\d{2}(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d{1,2}(?::\d{2})?))?)?|[-+]?\d[\d_]*(?::[0-5]?\d)+(?:\.[\d_]*)?)$/;

function toSeq(list: TreeValue[]): YAMLSeq {
  const seq = new YAMLSeq();
  let pending: string[] = [];
  for (const item of list) {
    if (item instanceof Comment) {
      pending.push(item.value);
      continue;
    }
    const node = toNode(item);
    node.commentBefore = joinComments(pending);
    pending = [];
    seq.items.push(node);
  }
  if (pending.length > 0) seq.comment = joinComments(pending);
  return seq;
}

function toMap(branch: Branch): YAMLMap {
  const map = new YAMLMap();
  let pending: string[] = [];
  for (const item of branch.items) {
    if (item.key instanceof Comment) {
      pending.push(item.key.value);
      continue;
    }
    const key = new Scalar(item.key);
    key.commentBefore = joinComments(pending);
    pending = [];
    map.items.push(new Pair(key, toNode(item.value)));
  }
  if (pending.length > 0) {
    if (map.items.length === 0) map.commentBefore = joinComments(pending);
    else map.comment = joinComments(pending);
  }
  return map;
}

function emit(branches: Branch[]): string {
  return branches
    .map((branch) => {
      const doc = new Document();
      const map = toMap(branch);
      if (map.items.length === 0 && map.commentBefore) {
        doc.commentBefore = map.commentBefore;
        map.commentBefore = undefined;
      }
      doc.contents = map;
      return doc.toString({ indent: 4, indentSeq: true, lineWidth: 0 });
    })
    .join('---\n');
}

export const yamlStore: Store = {
  loadPlain: (text) => parseDocuments(text),
  loadEncrypted(text) {
    const docs = parseDocuments(text);
    const sops = docs.map((d) => d.get('sops')).find((v) => v !== undefined);
    if (sops === undefined) throw new SopsDecryptionError('MetadataNotFound', 'sops metadata not found');
    return { branches: docs.map((d) => d.without('sops')), metadata: metadataFromPlain(toPlain(sops)) };
  },
  emitPlain: (branches) => emit(branches),
  emitEncrypted(branches, metadata: SopsMetadata) {
    const meta = fromPlain(metadataToPlain(metadata));
    return emit(branches.map((b) => new Branch([...b.items, { key: 'sops', value: meta }])));
  },
};
