// Typed errors: callers branch on `code`, never on message text.

export type BusErrorCode =
  | 'INVALID_CONFIG'
  | 'INVALID_MESSAGE'
  | 'INVALID_FILTER'
  | 'INVALID_OPTIONS'
  | 'INVALID_SUBJECT'
  | 'INVALID_TOKEN_ENCODING'
  | 'INVALID_DURABLE_NAME'
  | 'DURABLE_CONFLICT'
  | 'AUTHENTICATION_FAILED'
  | 'CONNECTION_FAILED'
  | 'PROVISIONING_FAILED'
  | 'BUS_CLOSED';

export class BusError extends Error {
  constructor(
    readonly code: BusErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'BusError';
  }
}

/** Configuration problems, all of them at once so an operator fixes them in one go. */
export class BusConfigError extends BusError {
  constructor(readonly problems: readonly string[]) {
    super('INVALID_CONFIG', `invalid bus configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'BusConfigError';
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
