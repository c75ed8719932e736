// dotenv store: `KEY=value` lines, `#` comment lines, `\n` escapes for newlines; the metadata is
// flattened into sorted `sops_…` keys.
import { SopsDecryptionError } from '../errors.js';
import { flattenMetadata, metadataFromPlain, unflattenMetadata } from '../metadata.js';
import { Branch, Comment, type TreeItem, type TreeValue } from '../tree.js';
import type { Store } from './store.js';
import { valueToString } from './values.js';

const PREFIX = 'sops_';

function loadPlain(text: string): Branch[] {
  const items: TreeItem[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      items.push({ key: new Comment(line.slice(1)), value: null });
      continue;
    }
    const eq = line.indexOf('=');
    if (eq === -1) throw new SopsDecryptionError('InvalidDocument', `invalid dotenv input line: ${line}`);
    items.push({ key: line.slice(0, eq), value: line.slice(eq + 1).replaceAll('\\n', '\n') });
  }
  return [new Branch(items)];
}

function emitPlain(branches: Branch[]): string {
  let out = '';
  for (const item of branches[0]?.items ?? []) {
    if (item.key instanceof Comment) {
      out += `#${item.key.value}\n`;
      continue;
    }
    if (item.value instanceof Branch || Array.isArray(item.value)) {
      throw new SopsDecryptionError(
        'InvalidDocument',
        `cannot use complex value in dotenv file: ${item.key}`,
      );
    }
    out += `${item.key}=${valueToString(item.value as TreeValue).replaceAll('\n', '\\n')}\n`;
  }
  return out;
}

export const dotenvStore: Store = {
  loadPlain,
  loadEncrypted(text) {
    const [branch] = loadPlain(text);
    const data: TreeItem[] = [];
    const meta: [string, string][] = [];
    for (const item of branch!.items) {
      if (typeof item.key === 'string' && item.key.startsWith(PREFIX)) {
        meta.push([item.key.slice(PREFIX.length), String(item.value)]);
      } else data.push(item);
    }
    if (meta.length === 0) throw new SopsDecryptionError('MetadataNotFound', 'sops metadata not found');
    return { branches: [new Branch(data)], metadata: metadataFromPlain(unflattenMetadata(meta)) };
  },
  emitPlain,
  emitEncrypted(branches, metadata) {
    const meta = flattenMetadata(metadata).map(([k, v]) => ({ key: PREFIX + k, value: v }));
    return emitPlain([new Branch([...(branches[0]?.items ?? []), ...meta])]);
  },
};
