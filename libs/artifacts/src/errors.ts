// Typed errors with stable codes, so callers map failures to Flux condition reasons without
// parsing messages.

export type ArtifactErrorCode =
  | 'ARTIFACT_NOT_FOUND'
  | 'ARTIFACT_DIGEST_MISMATCH'
  | 'ARTIFACT_INVALID_DIGEST'
  | 'ARTIFACT_INVALID_PATH'
  | 'ARTIFACT_CONFIG_INVALID'
  | 'ARTIFACT_BUCKET_MISSING'
  | 'TAR_PATH_ESCAPE'
  | 'TAR_LINK_ESCAPE'
  | 'TAR_UNSUPPORTED_ENTRY'
  | 'TAR_INVALID_ENTRY'
  | 'TAR_TOO_LARGE'
  | 'TAR_TOO_MANY_FILES'
  | 'TAR_CORRUPT'
  | 'TAR_DESTINATION_NOT_EMPTY';

export class ArtifactError extends Error {
  constructor(
    readonly code: ArtifactErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ArtifactNotFoundError extends ArtifactError {
  constructor(readonly path: string) {
    super('ARTIFACT_NOT_FOUND', `artifact '${path}' not found in storage`);
  }
}

/** The bytes read do not hash to the expected digest: the stored file is corrupt or was replaced. */
export class DigestMismatchError extends ArtifactError {
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      'ARTIFACT_DIGEST_MISMATCH',
      `artifact '${path}' digest mismatch: expected ${expected}, got ${actual}`,
    );
  }
}

export class InvalidDigestError extends ArtifactError {
  constructor(
    readonly digest: string,
    reason: string,
  ) {
    super('ARTIFACT_INVALID_DIGEST', `invalid digest '${digest}': ${reason}`);
  }
}

export class InvalidArtifactPathError extends ArtifactError {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super('ARTIFACT_INVALID_PATH', `invalid artifact path '${path}': ${reason}`);
  }
}

export class ArtifactConfigError extends ArtifactError {
  constructor(readonly problems: readonly string[]) {
    super('ARTIFACT_CONFIG_INVALID', `invalid artifact store configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

export class ArtifactBucketMissingError extends ArtifactError {
  constructor(readonly bucket: string) {
    super(
      'ARTIFACT_BUCKET_MISSING',
      `S3 bucket '${bucket}' does not exist and bucket creation is not allowed (set FLOTILLA_S3_CREATE_BUCKET=true to create it)`,
    );
  }
}

/** Base class of everything unpackTarball rejects; `entry` names the offending tar entry when known. */
export class TarError extends ArtifactError {
  constructor(
    code: ArtifactErrorCode,
    readonly entry: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

export class TarPathEscapeError extends TarError {
  constructor(entry: string, reason: string) {
    super('TAR_PATH_ESCAPE', entry, `tar entry '${entry}' rejected: ${reason}`);
  }
}

export class TarLinkEscapeError extends TarError {
  constructor(entry: string, target: string, reason: string) {
    super('TAR_LINK_ESCAPE', entry, `tar entry '${entry}' rejected: link target '${target}' ${reason}`);
  }
}

export class TarUnsupportedEntryError extends TarError {
  constructor(
    entry: string,
    readonly entryType: string,
  ) {
    super(
      'TAR_UNSUPPORTED_ENTRY',
      entry,
      `tar entry '${entry}' rejected: ${entryType} entries are not allowed`,
    );
  }
}

export class TarInvalidEntryError extends TarError {
  constructor(entry: string, reason: string, options?: { cause?: unknown }) {
    super('TAR_INVALID_ENTRY', entry, `tar entry '${entry}' rejected: ${reason}`, options);
  }
}

export class TarTooLargeError extends TarError {
  constructor(
    readonly limitBytes: number,
    entry?: string,
  ) {
    const where = entry === undefined ? 'tarball' : `tar entry '${entry}'`;
    super(
      'TAR_TOO_LARGE',
      entry,
      `${where} rejected: decompressed size exceeds the limit of ${limitBytes} bytes`,
    );
  }
}

export class TarTooManyFilesError extends TarError {
  constructor(
    readonly limitFiles: number,
    entry: string,
  ) {
    super(
      'TAR_TOO_MANY_FILES',
      entry,
      `tar entry '${entry}' rejected: tarball has more than ${limitFiles} entries`,
    );
  }
}

export class TarCorruptError extends TarError {
  constructor(cause: unknown) {
    super('TAR_CORRUPT', undefined, `tarball is corrupt: ${(cause as Error).message ?? String(cause)}`, {
      cause,
    });
  }
}

export class TarDestinationNotEmptyError extends TarError {
  constructor(readonly destination: string) {
    super(
      'TAR_DESTINATION_NOT_EMPTY',
      undefined,
      `cannot unpack into '${destination}': it exists and is not an empty directory`,
    );
  }
}
