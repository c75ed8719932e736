// Typed errors of the Kubernetes client: a Status answer from the API server, a transport
// failure, or unusable configuration. Callers branch on `status`/`reason`, never on message text.

/** The metav1.Status body the API server sends with every error. */
export interface StatusBody {
  kind?: string;
  apiVersion?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
    retryAfterSeconds?: number;
  };
}

/** A non-2xx answer (or a watch ERROR event) from the API server. */
export class KubeStatusError extends Error {
  readonly code = 'KUBE_STATUS_ERROR';
  /** HTTP status (or the Status body's code for watch ERROR events). */
  readonly status: number;
  /** The Status reason, e.g. NotFound, Conflict, Expired; '' when the body had none. */
  readonly reason: string;

  constructor(
    status: number,
    readonly body: StatusBody,
    readonly request: { method: string; path: string },
  ) {
    super(
      `${request.method} ${request.path}: ${status}${body.reason ? ` ${body.reason}` : ''}${
        body.message ? `: ${body.message}` : ''
      }`,
    );
    this.name = 'KubeStatusError';
    this.status = status;
    this.reason = body.reason ?? '';
  }
}

/** The request never got an answer: connection refused or reset, timeout, malformed response. */
export class KubeTransportError extends Error {
  readonly code = 'KUBE_TRANSPORT_ERROR';
  constructor(
    message: string,
    readonly request: { method: string; path: string },
    options?: ErrorOptions,
  ) {
    super(`${request.method} ${request.path}: ${message}`, options);
    this.name = 'KubeTransportError';
  }
}

export class KubeConfigError extends Error {
  readonly code = 'KUBE_CONFIG_INVALID';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'KubeConfigError';
  }
}

const hasStatus = (error: unknown, status: number): boolean =>
  error instanceof KubeStatusError && error.status === status;

export const isNotFound = (error: unknown): boolean => hasStatus(error, 404);
export const isConflict = (error: unknown): boolean => hasStatus(error, 409);
/** 410 Gone / Expired: a resourceVersion or continue token is too old. */
export const isExpired = (error: unknown): boolean => hasStatus(error, 410);
