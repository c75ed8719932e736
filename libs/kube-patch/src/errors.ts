// Typed errors: callers (the API-server double, kustomize) branch on `code`, never on message text.

export type PatchErrorCode =
  /** The patch document is not the expected shape (not an op list, op without path, …). */
  | 'INVALID_PATCH'
  /** A JSON pointer is malformed (no leading slash, bad `~` escape, bad array index). */
  | 'INVALID_POINTER'
  /** A JSON patch `path`/`from` does not exist in the document. */
  | 'PATH_NOT_FOUND'
  /** A JSON patch `test` operation did not match. */
  | 'TEST_FAILED'
  /** A strategic merge list item lacks its merge key. */
  | 'MISSING_MERGE_KEY'
  /** An unknown or misplaced directive (`$patch`, `$retainKeys`, `$setElementOrder/…`, …). */
  | 'INVALID_DIRECTIVE'
  /** An applied list of type map/set names the same key twice. */
  | 'DUPLICATE_LIST_KEY'
  /** A managedFields entry or FieldsV1 trie cannot be decoded. */
  | 'INVALID_FIELDS_V1'
  /** An OpenAPI schema cannot be turned into a TypeSchema. */
  | 'INVALID_SCHEMA';

export class PatchError extends Error {
  constructor(
    readonly code: PatchErrorCode,
    message: string,
    /** JSON pointer or field path the problem refers to, when there is one. */
    readonly path?: string,
  ) {
    super(message);
    this.name = 'PatchError';
  }
}

export type ApplyOperation = 'Apply' | 'Update';

export interface ApplyConflict {
  /** Field manager that owns the field. */
  readonly manager: string;
  readonly operation: ApplyOperation;
  /** API version recorded in the owner's managedFields entry. */
  readonly apiVersion: string;
  readonly subresource?: string;
  /** Field path as Kubernetes prints it, e.g. `.spec.containers[name="web"].image`. */
  readonly field: string;
}

/** One `FieldManagerConflict` cause of the 409 Status, as the API server reports it. */
export interface ApplyConflictCause {
  readonly reason: 'FieldManagerConflict';
  readonly message: string;
  readonly field: string;
}

/** How Kubernetes names a conflicting manager: `"mgr"`, `"mgr" with subresource "status"`, `"mgr" using apps/v1`. */
export function describeConflictManager(conflict: ApplyConflict): string {
  let text = JSON.stringify(conflict.manager);
  if (conflict.subresource) text += ` with subresource ${JSON.stringify(conflict.subresource)}`;
  if (conflict.operation === 'Update') text += ` using ${conflict.apiVersion}`;
  return text;
}

function conflictMessage(conflicts: readonly ApplyConflict[]): string {
  const [only] = conflicts;
  if (conflicts.length === 1 && only) {
    return `Apply failed with 1 conflict: conflict with ${describeConflictManager(only)}: ${only.field}`;
  }
  const byManager = new Map<string, string[]>();
  for (const conflict of conflicts) {
    const manager = describeConflictManager(conflict);
    byManager.set(manager, [...(byManager.get(manager) ?? []), conflict.field]);
  }
  const lines: string[] = [];
  for (const manager of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${manager}:`);
    for (const field of byManager.get(manager) ?? []) lines.push(`- ${field}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
}

/** Server-side apply refused: fields with different values are owned by other managers (HTTP 409). */
export class ApplyConflictError extends Error {
  readonly code = 'APPLY_CONFLICT';
  constructor(readonly conflicts: readonly ApplyConflict[]) {
    super(conflictMessage(conflicts));
    this.name = 'ApplyConflictError';
  }

  /** Status causes, one per conflicting field. */
  get causes(): ApplyConflictCause[] {
    return this.conflicts.map((conflict) => ({
      reason: 'FieldManagerConflict',
      message: `conflict with ${describeConflictManager(conflict)}`,
      field: conflict.field,
    }));
  }
}
