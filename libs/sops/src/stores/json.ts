// JSON store: objects keep their key order (the MAC covers it), every number is a float as in
// Go's json decoder, and output is indented with tabs and HTML-escaped like encoding/json.
import { SopsDecryptionError } from '../errors.js';
import { metadataFromPlain, metadataToPlain, type SopsMetadata } from '../metadata.js';
import { formatFloat } from '../cipher.js';
import { Branch, Comment, fromPlain, toPlain, type TreeValue } from '../tree.js';
import type { Store } from './store.js';

class JsonParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  fail(message: string): never {
    throw new SopsDecryptionError('InvalidDocument', `invalid JSON at offset ${this.pos}: ${message}`);
  }

  private skip(): void {
    while (/\s/.test(this.text[this.pos] ?? '')) this.pos++;
  }

  document(): Branch {
    this.skip();
    if (this.text[this.pos] !== '{') {
      this.fail('SOPS only supports JSON documents with a top-level object');
    }
    const value = this.value();
    this.skip();
    if (this.pos < this.text.length) this.fail('unexpected data after the top-level object');
    return value as Branch;
  }

  private value(): TreeValue {
    this.skip();
    const c = this.text[this.pos];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!m) this.fail(`unexpected character ${JSON.stringify(c ?? 'end of input')}`);
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private string(): string {
    if (this.text[this.pos] !== '"') this.fail('expected a string');
    let end = this.pos + 1;
    while (end < this.text.length && this.text[end] !== '"') end += this.text[end] === '\\' ? 2 : 1;
    if (end >= this.text.length) this.fail('unterminated string');
    const raw = this.text.slice(this.pos, end + 1);
    try {
      // JSON.parse applies the escapes and rejects raw control characters, as Go's decoder does.
      const value = JSON.parse(raw) as string;
      this.pos = end + 1;
      return value;
    } catch {
      return this.fail('invalid string');
    }
  }

  private expect(c: string): void {
    this.skip();
    if (this.text[this.pos] !== c) this.fail(`expected ${JSON.stringify(c)}`);
    this.pos++;
  }

  private object(): Branch {
    this.expect('{');
    const items: Branch['items'] = [];
    this.skip();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return new Branch(items);
    }
    for (;;) {
      this.skip();
      const key = this.string();
      this.expect(':');
      items.push({ key, value: this.value() });
      this.skip();
      if (this.text[this.pos] === '}') break;
      this.expect(',');
    }
    this.pos++;
    return new Branch(items);
  }

  private array(): TreeValue[] {
    this.expect('[');
    const out: TreeValue[] = [];
    this.skip();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.skip();
      if (this.text[this.pos] === ']') break;
      this.expect(',');
    }
    this.pos++;
    return out;
  }
}

export function parseJsonBranch(text: string): Branch {
  return new JsonParser(text).document();
}

function goString(s: string): string {
  return JSON.stringify(s)
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}

function goNumber(v: number): string {
  if (!Number.isFinite(v)) throw new SopsDecryptionError('InvalidDocument', `cannot write ${v} in JSON`);
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) return String(v);
  return formatFloat(v);
}

function encode(value: TreeValue, indent: string): string {
  const inner = `${indent}\t`;
  if (value instanceof Branch) {
    const items = value.items.filter((i) => typeof i.key === 'string');
    if (items.length === 0) return '{}';
    const body = items.map((i) => `${inner}${goString(i.key as string)}: ${encode(i.value, inner)}`);
    return `{\n${body.join(',\n')}\n${indent}}`;
  }
  if (Array.isArray(value)) {
    const items = value.filter((v) => !(v instanceof Comment));
    if (items.length === 0) return '[]';
    return `[\n${items.map((v) => `${inner}${encode(v, inner)}`).join(',\n')}\n${indent}]`;
  }
  if (value === null) return 'null';
  if (typeof value === 'string') return goString(value);
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'number') return goNumber(value);
  if (value instanceof Uint8Array) return goString(Buffer.from(value).toString('base64'));
  return goString(value.value);
}

/** Go's encoding/json value text (used by other stores for list values). */
export function encodeJson(value: TreeValue): string {
  return encode(value, '');
}

function withoutSops(branch: Branch): { data: Branch; sops: TreeValue | undefined } {
  return { data: branch.without('sops'), sops: branch.get('sops') };
}

export const jsonStore: Store = {
  loadPlain: (text) => [parseJsonBranch(text)],
  loadEncrypted(text) {
    const { data, sops } = withoutSops(parseJsonBranch(text));
    if (sops === undefined) throw new SopsDecryptionError('MetadataNotFound', 'sops metadata not found');
    return { branches: [data], metadata: metadataFromPlain(toPlain(sops)) };
  },
  emitPlain: (branches) => `${encode(branches[0] ?? new Branch(), '')}\n`,
  emitEncrypted(branches, metadata: SopsMetadata) {
    const root = branches[0] ?? new Branch();
    const withMeta = new Branch([
      ...root.items,
      { key: 'sops', value: fromPlain(metadataToPlain(metadata)) },
    ]);
    return `${encode(withMeta, '')}\n`;
  },
};

/** Binary store: the whole file is the string value of `data`, in a JSON envelope when encrypted. */
export const binaryStore: Store = {
  loadPlain: (text) => [new Branch([{ key: 'data', value: text }])],
  loadEncrypted: (text) => jsonStore.loadEncrypted(text),
  emitPlain(branches) {
    if (branches.length !== 1)
      throw new SopsDecryptionError('InvalidDocument', 'binary store needs one branch');
    const data = branches[0]!.get('data');
    if (typeof data !== 'string') {
      throw new SopsDecryptionError(
        'InvalidDocument',
        "no binary data found: 'data' is missing or not a string",
      );
    }
    return data;
  },
  emitEncrypted: (branches, metadata) => jsonStore.emitEncrypted(branches, metadata),
};
