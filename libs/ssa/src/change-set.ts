// What an apply or prune did, object by object, in Flux's log format (`Kind/ns/name created`).
import { subjectOf, type ObjectRef } from './object-id.js';

export type ChangeAction = 'created' | 'configured' | 'unchanged' | 'deleted' | 'skipped';

export interface ChangeSetEntry {
  ref: ObjectRef;
  subject: string;
  action: ChangeAction;
}

export class ChangeSet {
  readonly entries: ChangeSetEntry[] = [];

  add(ref: ObjectRef, action: ChangeAction): void {
    this.entries.push({ ref, subject: subjectOf(ref), action });
  }

  append(other: ChangeSet): void {
    this.entries.push(...other.entries);
  }

  count(action: ChangeAction): number {
    return this.entries.filter((e) => e.action === action).length;
  }

  /** True when something was written (created, configured or deleted). */
  get hasChanges(): boolean {
    return this.entries.some((e) => e.action !== 'unchanged' && e.action !== 'skipped');
  }

  /** One `<subject> <action>` line per entry; `unchanged` lines only when `withUnchanged`. */
  toString(withUnchanged = false): string {
    return this.entries
      .filter((e) => withUnchanged || e.action !== 'unchanged')
      .map((e) => `${e.subject} ${e.action}`)
      .join('\n');
  }
}
