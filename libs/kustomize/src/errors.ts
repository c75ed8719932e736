// Typed build errors: every failure names the file (and, where known, the field) it comes from.

export type KustomizeErrorCode =
  | 'MISSING_FILE'
  | 'NO_KUSTOMIZATION'
  | 'OUTSIDE_ROOT'
  | 'CYCLE'
  | 'DUPLICATE_ID'
  | 'INVALID_YAML'
  | 'INVALID_KUSTOMIZATION'
  | 'INVALID_RESOURCE'
  | 'REMOTE_DISABLED'
  | 'REMOTE_FAILED'
  | 'HELM_DISABLED'
  | 'HELM_FAILED'
  | 'PATCH_FAILED'
  | 'GENERATOR_FAILED'
  | 'VALIDATION_FAILED'
  | 'LIMIT_EXCEEDED'
  | 'UNSUPPORTED';

export class KustomizeError extends Error {
  constructor(
    readonly code: KustomizeErrorCode,
    message: string,
    /** The file the problem was found in, when there is one. */
    readonly file?: string,
  ) {
    super(file === undefined ? message : `${file}: ${message}`);
    this.name = 'KustomizeError';
  }
}
