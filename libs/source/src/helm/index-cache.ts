// Parsed Helm indexes kept in memory for HelmChart lookups, keyed by artifact path; bounded in
// entries, each expiring `ttlMs` after its last use (spec source.md §4).
import type { RepositoryIndex } from './repository-index.js';

interface CacheEntry {
  index: RepositoryIndex;
  expiresAt: number;
}

export class IndexCache {
  private readonly entries = new Map<string, CacheEntry>();

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(path: string): RepositoryIndex | undefined {
    const entry = this.entries.get(path);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(path);
      return undefined;
    }
    // Refresh on use and move to the newest end for eviction.
    this.entries.delete(path);
    entry.expiresAt = this.now() + this.ttlMs;
    this.entries.set(path, entry);
    return entry.index;
  }

  set(path: string, index: RepositoryIndex): void {
    if (this.maxEntries <= 0) return;
    this.entries.delete(path);
    this.entries.set(path, { index, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
