/** Why a SOPS operation failed; lets callers map failures to conditions without parsing messages. */
export type SopsErrorReason =
  | 'InvalidDocument'
  | 'MetadataNotFound'
  | 'NoMatchingKey'
  | 'UnsupportedKeyType'
  | 'InvalidKey'
  | 'ValueDecryptionFailed'
  | 'MacMismatch'
  | 'EncryptionFailed';

/** A SOPS document could not be decrypted (or parsed as one). */
export class SopsDecryptionError extends Error {
  override readonly name = 'SopsDecryptionError';
  constructor(
    readonly reason: SopsErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A document could not be encrypted into the SOPS format. */
export class SopsEncryptionError extends Error {
  override readonly name = 'SopsEncryptionError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
