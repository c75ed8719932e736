// Every failure the double reports is a metav1.Status built here, so codes, reasons and details
// stay consistent with kube-apiserver (kube-api.md §6).

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** The resource a failure is about: plural name and API group ('' for core). */
export interface GroupResource {
  group: string;
  resource: string;
}

/** An error that the HTTP layer answers with its Status body and code. */
export class KubeApiError extends Error {
  constructor(readonly status: StatusBody) {
    super(status.message ?? status.reason ?? `HTTP ${status.code}`);
    this.name = 'KubeApiError';
  }

  get code(): number {
    return this.status.code;
  }

  get reason(): string | undefined {
    return this.status.reason;
  }
}

export function statusBody(
  code: number,
  reason: string | undefined,
  message: string,
  details?: StatusDetails,
): StatusBody {
  const body: StatusBody = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    code,
  };
  if (reason) body.reason = reason;
  if (details) body.details = details;
  return body;
}

function fail(
  code: number,
  reason: string | undefined,
  message: string,
  details?: StatusDetails,
): KubeApiError {
  return new KubeApiError(statusBody(code, reason, message, details));
}

/** `deployments.apps` or `configmaps`, as messages qualify a resource. */
export function qualifiedResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

function detailsOf(gr: GroupResource, name?: string): StatusDetails {
  const details: StatusDetails = {};
  if (name !== undefined) details.name = name;
  if (gr.group) details.group = gr.group;
  details.kind = gr.resource;
  return details;
}

export function notFound(gr: GroupResource, name: string): KubeApiError {
  return fail(404, 'NotFound', `${qualifiedResource(gr)} "${name}" not found`, detailsOf(gr, name));
}

export function unknownResource(): KubeApiError {
  return fail(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function alreadyExists(gr: GroupResource, name: string, terminating = false): KubeApiError {
  const prefix = terminating ? 'object is being deleted: ' : '';
  return fail(
    409,
    'AlreadyExists',
    `${prefix}${qualifiedResource(gr)} "${name}" already exists`,
    detailsOf(gr, name),
  );
}

export function conflict(
  gr: GroupResource,
  name: string,
  reason: string,
  causes?: StatusCause[],
): KubeApiError {
  const details = detailsOf(gr, name);
  if (causes) details.causes = causes;
  return fail(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${reason}`,
    details,
  );
}

export function staleResourceVersion(gr: GroupResource, name: string): KubeApiError {
  return conflict(
    gr,
    name,
    'the object has been modified; please apply your changes to the latest version and try again',
  );
}

/** A plain 409 whose message is given whole (UID preconditions, apply conflicts). */
export function conflictMessage(
  gr: GroupResource,
  name: string,
  message: string,
  causes?: StatusCause[],
): KubeApiError {
  const details = detailsOf(gr, name);
  if (causes) details.causes = causes;
  return fail(409, 'Conflict', message, details);
}

/** One field problem of a 422; `detail` is the text after the field path. */
export interface FieldProblem {
  reason:
    | 'FieldValueRequired'
    | 'FieldValueInvalid'
    | 'FieldValueNotSupported'
    | 'FieldValueDuplicate'
    | 'FieldValueForbidden'
    | 'FieldValueTooLong'
    | 'FieldValueTooMany'
    | 'FieldValueTypeInvalid';
  field: string;
  /** Full cause message, e.g. `Required value: name or generateName is required`. */
  message: string;
}

/** 422 Invalid; details.kind is the Kind (not the plural) as the API server reports it. */
export function invalid(
  target: { group: string; kind: string; name: string },
  problems: FieldProblem[],
): KubeApiError {
  const qualifiedKind = target.group ? `${target.kind}.${target.group}` : target.kind;
  const list = problems.map((p) => `${p.field}: ${p.message}`);
  const summary = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  const details: StatusDetails = { name: target.name };
  if (target.group) details.group = target.group;
  details.kind = target.kind;
  details.causes = problems.map((p) => ({ reason: p.reason, message: p.message, field: p.field }));
  return fail(422, 'Invalid', `${qualifiedKind} "${target.name}" is invalid: ${summary}`, details);
}

export function badRequest(message: string, causes?: StatusCause[]): KubeApiError {
  return fail(400, 'BadRequest', message, causes ? { causes } : undefined);
}

export function unsupportedMediaType(message: string): KubeApiError {
  return fail(415, 'UnsupportedMediaType', message, {});
}

export function expired(message: string): KubeApiError {
  return fail(410, 'Expired', message);
}

export function forbidden(
  gr: GroupResource,
  name: string,
  message: string,
  causes?: StatusCause[],
): KubeApiError {
  const details = detailsOf(gr, name || undefined);
  if (causes) details.causes = causes;
  const subject = name ? `${qualifiedResource(gr)} "${name}"` : qualifiedResource(gr);
  return fail(403, 'Forbidden', `${subject} is forbidden: ${message}`, details);
}

/** 403 for a non-resource URL or a request that names no resource. */
export function forbiddenMessage(message: string): KubeApiError {
  return fail(403, 'Forbidden', message, {});
}

export function unauthorized(): KubeApiError {
  return fail(401, 'Unauthorized', 'Unauthorized');
}

export function methodNotAllowed(message: string, gr?: GroupResource): KubeApiError {
  return fail(405, 'MethodNotAllowed', message, gr ? detailsOf(gr) : {});
}

export function internalError(message: string): KubeApiError {
  return fail(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

/** The 500 without reason that a create carrying a resourceVersion gets. */
export function resourceVersionOnCreate(): KubeApiError {
  return fail(500, undefined, 'resourceVersion should not be set on objects to be created');
}

export function tooManyRequests(message: string, retryAfterSeconds = 1): KubeApiError {
  return fail(429, 'TooManyRequests', message, { retryAfterSeconds });
}

export function timeout(message: string, causes?: StatusCause[]): KubeApiError {
  return fail(504, 'Timeout', message, causes ? { causes } : {});
}

export function requestEntityTooLarge(message: string): KubeApiError {
  return fail(413, 'RequestEntityTooLarge', message, {});
}

/** Turns anything thrown while serving into a Status: KubeApiErrors as they are, the rest as 500. */
export function toKubeApiError(error: unknown): KubeApiError {
  if (error instanceof KubeApiError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return internalError(message);
}

// ---------------------------------------------------------------------------------------------
// Field problems (causes of a 422), rendered as apimachinery's field.Error does.

function renderValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export const field = {
  required: (path: string, detail = ''): FieldProblem => ({
    reason: 'FieldValueRequired',
    field: path,
    message: detail ? `Required value: ${detail}` : 'Required value',
  }),
  invalid: (path: string, value: unknown, detail = ''): FieldProblem => ({
    reason: 'FieldValueInvalid',
    field: path,
    message: `Invalid value: ${renderValue(value)}${detail ? `: ${detail}` : ''}`,
  }),
  forbidden: (path: string, detail: string): FieldProblem => ({
    reason: 'FieldValueForbidden',
    field: path,
    message: `Forbidden: ${detail}`,
  }),
  duplicate: (path: string, value: unknown): FieldProblem => ({
    reason: 'FieldValueDuplicate',
    field: path,
    message: `Duplicate value: ${renderValue(value)}`,
  }),
  notSupported: (path: string, value: unknown, supported: readonly string[]): FieldProblem => ({
    reason: 'FieldValueNotSupported',
    field: path,
    message: `Unsupported value: ${renderValue(value)}: supported values: ${supported.map((s) => `"${s}"`).join(', ')}`,
  }),
  tooLong: (path: string, max: number): FieldProblem => ({
    reason: 'FieldValueTooLong',
    field: path,
    message: `Too long: may not be more than ${max} bytes`,
  }),
  typeInvalid: (path: string, value: unknown, detail: string): FieldProblem => ({
    reason: 'FieldValueTypeInvalid',
    field: path,
    message: `Invalid value: ${renderValue(value)}: ${detail}`,
  }),
};
