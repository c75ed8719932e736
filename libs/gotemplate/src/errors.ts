/** Base class of every error this package raises; `message` is Go's wording. */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** A lexing or parsing failure: `template: NAME:LINE: message`. */
export class ParseError extends TemplateError {
  override name = 'ParseError';
}

/** A failure while executing a template (Go's `template.ExecError`). */
export class ExecError extends TemplateError {
  override name = 'ExecError';
  constructor(
    message: string,
    readonly templateName: string,
  ) {
    super(message);
  }
}

/** Thrown by a template function to report an error; becomes `error calling NAME: message`. */
export class FuncError extends Error {
  override name = 'FuncError';
}

/** Whether `e` is V8's stack exhaustion (a RangeError like BigInt conversion failures, but distinct). */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && e.message.includes('call stack');
}
