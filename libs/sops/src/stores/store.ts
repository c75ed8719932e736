import type { SopsMetadata } from '../metadata.js';
import type { Branch } from '../tree.js';

/** One SOPS file format: how a document maps to tree branches and where the metadata lives. */
export interface Store {
  loadPlain(text: string): Branch[];
  loadEncrypted(text: string): { branches: Branch[]; metadata: SopsMetadata };
  emitPlain(branches: Branch[]): string;
  emitEncrypted(branches: Branch[], metadata: SopsMetadata): string;
}
