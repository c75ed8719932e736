// The object index of a Bucket (spec source.md §6): key → etag for every listed object under the
// prefix, minus directory markers, the root `.sourceignore` and ignored keys; its revision is the
// sha256 of the `"<key> <etag>\n"` lines sorted by key.
import { createHash } from 'node:crypto';
import ignore from 'ignore';
import { readPatterns, SOURCE_IGNORE_FILE } from '../ignore-rules.js';

export class BucketIndex {
  private readonly entries = new Map<string, string>();
  private readonly matcher;

  constructor(ignorePatterns: readonly string[]) {
    this.matcher = ignore({ allowRelativePaths: true }).add([...ignorePatterns]);
  }

  /** Patterns from the root `.sourceignore` object and `spec.ignore`. */
  static patterns(sourceIgnore: string | undefined, specIgnore: string | undefined): string[] {
    return [...readPatterns(sourceIgnore), ...readPatterns(specIgnore)];
  }

  /** Adds a listed object unless it is skipped; returns whether it was added. */
  add(key: string, etag: string): boolean {
    if (key.endsWith('/') || key === SOURCE_IGNORE_FILE) return false;
    if (this.matcher.ignores(key.replace(/^\/+/, ''))) return false;
    this.entries.set(key, etag.replace(/^"|"$/g, ''));
    return true;
  }

  get size(): number {
    return this.entries.size;
  }

  keys(): string[] {
    return [...this.entries.keys()].sort();
  }

  /** `sha256:<hex>` over the sorted `"<key> <etag>\n"` lines. */
  revision(): string {
    const hash = createHash('sha256');
    for (const key of this.keys()) hash.update(`${key} ${this.entries.get(key)}\n`);
    return `sha256:${hash.digest('hex')}`;
  }
}
