/** Chart loading, validation and `helm template` failures, worded as Helm words them. */
export class HelmError extends Error {
  override readonly name: string = 'HelmError';
}

/** Helm's chart.ValidationError: the message is prefixed with `validation: `. */
export class ChartValidationError extends HelmError {
  override readonly name = 'ChartValidationError';
  constructor(message: string) {
    super(`validation: ${message}`);
  }
}

/** Go's `errors.Wrap(err, prefix)`: `prefix: cause`. */
export function wrapError(prefix: string, cause: unknown): HelmError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new HelmError(`${prefix}: ${message}`);
}
