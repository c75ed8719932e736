// Typed git errors. Each carries a stable `code` so callers (the source-controller) can map it to a
// Flux condition reason without parsing messages: auth → AuthenticationFailed, invalid URL or spec →
// URLInvalid/Stalled, everything else → GitOperationFailed.

export type GitErrorCode =
  | 'InvalidUrl'
  | 'InvalidOptions'
  | 'Unreachable'
  | 'Timeout'
  | 'TlsFailed'
  | 'AuthenticationFailed'
  | 'HostKeyMismatch'
  | 'UnknownHost'
  | 'RepositoryNotFound'
  | 'RefNotFound'
  | 'ProxyFailed'
  | 'PushRejected'
  | 'VerificationFailed'
  | 'OperationFailed';

export class GitError extends Error {
  constructor(
    readonly code: GitErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'GitError';
  }
}

/** Wrong, missing or rejected credentials: HTTP 401/403, SSH user authentication, bad private key. */
export class GitAuthError extends GitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('AuthenticationFailed', message, options);
    this.name = 'GitAuthError';
  }
}

/** The SSH server's host key is missing from known_hosts or differs from it. */
export class GitHostKeyError extends GitError {
  constructor(code: 'HostKeyMismatch' | 'UnknownHost', message: string) {
    super(code, message);
    this.name = 'GitHostKeyError';
  }
}

/** Branch, tag, ref name or commit missing upstream, or no tag matches a semver range. */
export class GitRefNotFoundError extends GitError {
  constructor(message: string) {
    super('RefNotFound', message);
    this.name = 'GitRefNotFoundError';
  }
}

/** Connection refused, DNS failure, host unreachable, timeout. */
export class GitUnreachableError extends GitError {
  constructor(code: 'Unreachable' | 'Timeout', message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'GitUnreachableError';
  }
}

/** A signature that is missing, malformed or made by none of the trusted keys. */
export class GitVerificationError extends GitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('VerificationFailed', message, options);
    this.name = 'GitVerificationError';
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Network-level failures (from node:net/tls) as typed errors; undefined for anything else. */
export function networkError(error: unknown, target: string): GitError | undefined {
  if (error instanceof GitError) return error;
  const code = errorCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (code && NETWORK_CODES.has(code)) {
    return new GitUnreachableError('Unreachable', `cannot reach ${target}: ${detail}`, { cause: error });
  }
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') {
    return new GitUnreachableError('Timeout', `timed out talking to ${target}: ${detail}`, { cause: error });
  }
  if (code && (/CERT|SSL|TLS|SELF_SIGNED|ISSUER|UNABLE_TO/i.test(code) || code.startsWith('ERR_OSSL'))) {
    return new GitError('TlsFailed', `TLS handshake with ${target} failed: ${detail}`, { cause: error });
  }
  return undefined;
}

/**
 * Any failure of a git operation as a GitError: typed errors pass through, isomorphic-git's HTTP
 * errors become auth/not-found errors, the rest OperationFailed with the original message.
 */
export function toGitError(error: unknown, target: string): GitError {
  const network = networkError(error, target);
  if (network) return network;
  const code = errorCode(error);
  const data = (error as { data?: { statusCode?: number; response?: string } } | null)?.data;
  const detail = error instanceof Error ? error.message : String(error);
  if (code === 'HttpError' && (data?.statusCode === 401 || data?.statusCode === 403)) {
    return new GitAuthError(`authentication to ${target} failed (HTTP ${data.statusCode})`, { cause: error });
  }
  if (code === 'HttpError' && data?.statusCode === 404) {
    return new GitError('RepositoryNotFound', `repository ${target} not found (HTTP 404)`, { cause: error });
  }
  if (code === 'NotFoundError') {
    return new GitRefNotFoundError(`${detail} in ${target}`);
  }
  return new GitError('OperationFailed', `git operation on ${target} failed: ${detail}`, { cause: error });
}
