// Typed errors, so callers (source-controller, image-reflector) can map each to a Flux reason
// without parsing messages.

/** One entry of a registry error body `{"errors":[{"code","message","detail"}]}`. */
export interface RegistryErrorDetail {
  code: string;
  message: string;
}

export type OciErrorCode =
  | 'OCI_UNAUTHORIZED'
  | 'OCI_NOT_FOUND'
  | 'OCI_DIGEST_MISMATCH'
  | 'OCI_UNREACHABLE'
  | 'OCI_TOO_LARGE'
  | 'OCI_INVALID_REFERENCE'
  | 'OCI_REGISTRY_ERROR'
  | 'OCI_PROTOCOL_ERROR'
  | 'OCI_INVALID_CONFIG';

export class OciError extends Error {
  constructor(
    readonly code: OciErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** 401/403 after authenticating (or no credentials where the registry wants some). */
export class OciUnauthorizedError extends OciError {
  constructor(
    message: string,
    readonly status: number,
    readonly details: RegistryErrorDetail[] = [],
  ) {
    super('OCI_UNAUTHORIZED', message);
  }
}

/** Manifest, blob, repository or tag does not exist (MANIFEST_UNKNOWN, NAME_UNKNOWN, BLOB_UNKNOWN, 404). */
export class OciNotFoundError extends OciError {
  constructor(
    message: string,
    readonly details: RegistryErrorDetail[] = [],
  ) {
    super('OCI_NOT_FOUND', message);
  }
}

/** Content whose sha256 is not the digest it was asked for or announced with. */
export class OciDigestMismatchError extends OciError {
  constructor(
    readonly what: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super('OCI_DIGEST_MISMATCH', `${what}: digest mismatch: expected ${expected}, got ${actual}`);
  }
}

/** DNS, connection, TLS or timeout failure: the registry could not be talked to. */
export class OciUnreachableError extends OciError {
  constructor(message: string, cause?: unknown) {
    super('OCI_UNREACHABLE', message, { cause });
  }
}

/** Content over the caller's size limit (announced or while streaming). */
export class OciTooLargeError extends OciError {
  constructor(
    readonly what: string,
    readonly limit: number,
    readonly size?: number,
  ) {
    super(
      'OCI_TOO_LARGE',
      `${what} is larger than the limit of ${limit} bytes${size === undefined ? '' : ` (${size} bytes)`}`,
    );
  }
}

/** A reference or oci:// URL that cannot be parsed. */
export class OciReferenceError extends OciError {
  constructor(message: string) {
    super('OCI_INVALID_REFERENCE', message);
  }
}

/** Any other error status from the registry. */
export class OciRegistryError extends OciError {
  constructor(
    message: string,
    readonly status: number,
    readonly details: RegistryErrorDetail[] = [],
  ) {
    super('OCI_REGISTRY_ERROR', message);
  }
}

/** A response that breaks the distribution protocol (missing Location, bad JSON, bad challenge). */
export class OciProtocolError extends OciError {
  constructor(message: string) {
    super('OCI_PROTOCOL_ERROR', message);
  }
}

/** Bad client input: docker config JSON, TLS material, options. */
export class OciConfigError extends OciError {
  constructor(message: string, cause?: unknown) {
    super('OCI_INVALID_CONFIG', message, { cause });
  }
}
