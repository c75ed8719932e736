// INI store, after go-ini as sops uses it: sections are top-level keys (the unnamed DEFAULT
// section included), values are strings, the comment above a key follows it in the tree, and
// the metadata lives flattened in a `[sops]` section.
import { SopsDecryptionError } from '../errors.js';
import { flattenMetadata, metadataFromPlain, unflattenMetadata } from '../metadata.js';
import { Branch, Comment, type TreeItem, type TreeValue } from '../tree.js';
import type { Store } from './store.js';
import { valueToString } from './values.js';

const DEFAULT_SECTION = 'DEFAULT';

interface Section {
  name: string;
  comment: string[];
  keys: { name: string; value: string; comment: string[] }[];
}

function unquote(raw: string): string {
  const v = raw.trim();
  for (const q of ['"""', '`', '"']) {
    if (v.length >= 2 * q.length && v.startsWith(q) && v.endsWith(q)) return v.slice(q.length, -q.length);
  }
  // go-ini cuts an unquoted value at an inline comment.
  const cut = v.search(/[#;]/);
  return (cut === -1 ? v : v.slice(0, cut)).trim();
}

function stripCommentChar(line: string): string {
  if (line.startsWith(';')) return line.replace(/^[; ]+/, '');
  if (line.startsWith('#')) return line.replace(/^[# ]+/, '');
  return line;
}

function parseIni(text: string): Section[] {
  const sections: Section[] = [{ name: DEFAULT_SECTION, comment: [], keys: [] }];
  let pending: string[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '') continue;
    if (line.startsWith('#') || line.startsWith(';')) {
      pending.push(line);
      continue;
    }
    const current = sections[sections.length - 1]!;
    if (line.startsWith('[')) {
      const end = line.indexOf(']');
      if (end === -1) throw new SopsDecryptionError('InvalidDocument', `invalid INI section header: ${line}`);
      const name = line.slice(1, end);
      const existing = sections.find((s) => s.name === name);
      if (existing) existing.comment.push(...pending);
      else sections.push({ name, comment: pending, keys: [] });
      if (existing) sections.push(sections.splice(sections.indexOf(existing), 1)[0]!);
      pending = [];
      continue;
    }
    const delim = line.search(/[=:]/);
    if (delim === -1) throw new SopsDecryptionError('InvalidDocument', `invalid INI line: ${line}`);
    const name = line.slice(0, delim).trim();
    current.keys.push({ name, value: unquote(line.slice(delim + 1)), comment: pending });
    pending = [];
  }
  return sections;
}

function sectionToItem(section: Section): TreeItem {
  const items: TreeItem[] = [];
  if (section.comment.length > 0) {
    items.push({ key: new Comment(stripCommentChar(section.comment.join('\n'))), value: null });
  }
  for (const key of section.keys) {
    items.push({ key: key.name, value: key.value });
    if (key.comment.length > 0)
      items.push({ key: new Comment(stripCommentChar(key.comment.join('\n'))), value: null });
  }
  return { key: section.name, value: new Branch(items) };
}

function loadPlain(text: string): Branch[] {
  return [new Branch(parseIni(text).map(sectionToItem))];
}

function commentText(comment: string): string {
  return comment
    .split('\n')
    .map((line) =>
      line.startsWith('#') || line.startsWith(';')
        ? `${line[0]} ${line.slice(1).trim()}`
        : `; ${line.trim()}`,
    )
    .join('\n');
}

function quoteValue(value: string): string {
  if (/[\n`]/.test(value)) return `"""${value}"""`;
  if (/[#;]/.test(value)) return `\`${value}\``;
  if (value.trim().length !== value.length) return `"${value}"`;
  return value;
}

function writeSection(name: string, branch: Branch, first: boolean): string {
  let out = '';
  let items = branch.items;
  const lead = items[0]?.key;
  if (lead instanceof Comment) {
    out += `${commentText(lead.value)}\n`;
    items = items.slice(1);
  }
  const keys: { name: string; value: string; comment?: string }[] = [];
  for (const item of items) {
    if (item.key instanceof Comment) {
      const last = keys[keys.length - 1];
      if (last) last.comment = item.key.value;
    } else keys.push({ name: item.key, value: valueToString(item.value as TreeValue) });
  }
  if (first && name.toUpperCase() === DEFAULT_SECTION && keys.length === 0) return '';
  if (!(first && name.toUpperCase() === DEFAULT_SECTION)) out += `[${name}]\n`;
  const width = Math.max(0, ...keys.map((k) => k.name.length));
  for (const key of keys) {
    if (key.comment) out += `${commentText(key.comment)}\n`;
    out += `${key.name.padEnd(width)} = ${quoteValue(key.value)}\n`;
  }
  return `${out}\n`;
}

function emitPlain(branches: Branch[]): string {
  const sections: [string, Branch][] = [];
  for (const branch of branches) {
    for (const item of branch.items) {
      if (item.key instanceof Comment) continue;
      if (!(item.value instanceof Branch)) {
        throw new SopsDecryptionError('InvalidDocument', 'INI section values must be mappings');
      }
      const existing = sections.find(([name]) => name === item.key);
      if (existing) existing[1] = new Branch([...existing[1].items, ...item.value.items]);
      else sections.push([item.key, item.value]);
    }
  }
  const defaultIndex = sections.findIndex(([name]) => name === DEFAULT_SECTION);
  if (defaultIndex > 0) sections.unshift(sections.splice(defaultIndex, 1)[0]!);
  if (defaultIndex === -1) sections.unshift([DEFAULT_SECTION, new Branch()]);
  return sections.map(([name, branch], i) => writeSection(name, branch, i === 0)).join('');
}

export const iniStore: Store = {
  loadPlain,
  loadEncrypted(text) {
    const sections = parseIni(text);
    const sops = sections.find((s) => s.name === 'sops');
    if (!sops) throw new SopsDecryptionError('MetadataNotFound', 'sops metadata not found');
    const metadata = metadataFromPlain(unflattenMetadata(sops.keys.map((k) => [k.name, k.value])));
    return { branches: [new Branch(sections.filter((s) => s !== sops).map(sectionToItem))], metadata };
  },
  emitPlain,
  emitEncrypted(branches, metadata) {
    const meta = new Branch(flattenMetadata(metadata).map(([key, value]) => ({ key, value })));
    return emitPlain([...branches, new Branch([{ key: 'sops', value: meta }])]);
  },
};
