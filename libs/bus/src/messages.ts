// The three message kinds the bus carries, as CloudEvents 1.0 in structured JSON mode, with
// builders, validation (on publish and on receipt) and the mapping of each message to its subject.
import { createHash, randomUUID } from 'node:crypto';
import { BusError } from './errors.js';
import type { MessageKind, SubjectAddress } from './subjects.js';

/** Flux's event object (`event.toolkit.fluxcd.io/v1beta1`, spec events-metrics-cli.md §1). */
export interface FluxEvent {
  involvedObject: {
    kind?: string;
    namespace?: string;
    name?: string;
    uid?: string;
    apiVersion?: string;
    resourceVersion?: string;
  };
  severity: 'trace' | 'info' | 'error';
  /** RFC 3339, UTC, second precision. */
  timestamp: string;
  message: string;
  reason: string;
  metadata?: Record<string, string>;
  reportingController: string;
  reportingInstance?: string;
}

/** A new artifact is in the shared store and ready for consumers. */
export interface ArtifactAnnouncement {
  kind: string;
  namespace: string;
  name: string;
  revision: string;
  /** `<algo>:<hex>` of the stored bytes. */
  digest: string;
  /** Object key in the artifact store. */
  storageKey: string;
  url: string;
  size?: number;
  lastUpdateTime?: string;
}

/** Ask whichever service owns `kind` to reconcile the object now. */
export interface ReconcileRequest {
  kind: string;
  namespace: string;
  name: string;
  /** Token with the semantics of the `reconcile.fluxcd.io/requestedAt` annotation. */
  requestedAt: string;
}

/** CloudEvents `type` attribute of each message kind; stable, part of the public contract. */
export const MESSAGE_TYPES = {
  event: 'io.flotilla.event.v1',
  artifact: 'io.flotilla.artifact.announced.v1',
  reconcile: 'io.flotilla.reconcile.requested.v1',
} as const satisfies Record<MessageKind, string>;

export type MessageTypes = typeof MESSAGE_TYPES;

/** A CloudEvents 1.0 event, as serialised in structured JSON mode. */
export interface CloudEvent<TType extends string = string, TData = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: TType;
  subject?: string;
  time?: string;
  datacontenttype?: 'application/json';
  data: TData;
}

export type ReconcileEventMessage = CloudEvent<MessageTypes['event'], FluxEvent>;
export type ArtifactAnnouncementMessage = CloudEvent<MessageTypes['artifact'], ArtifactAnnouncement>;
export type ReconcileRequestMessage = CloudEvent<MessageTypes['reconcile'], ReconcileRequest>;
export type BusMessage = ReconcileEventMessage | ArtifactAnnouncementMessage | ReconcileRequestMessage;

export interface MessageByKind {
  event: ReconcileEventMessage;
  artifact: ArtifactAnnouncementMessage;
  reconcile: ReconcileRequestMessage;
}

/** CloudEvents envelope choices a publisher may override. */
export interface EnvelopeOptions {
  /** CloudEvents `source`; defaults to the bus's configured source. */
  source?: string;
  /** CloudEvents `id`; also the JetStream de-duplication id. */
  id?: string;
  time?: string;
}

/** API groups of the Flux kinds, for events whose involvedObject lacks an apiVersion. */
export const FLUX_KIND_GROUPS: Readonly<Record<string, string>> = {
  GitRepository: 'source.toolkit.fluxcd.io',
  OCIRepository: 'source.toolkit.fluxcd.io',
  HelmRepository: 'source.toolkit.fluxcd.io',
  HelmChart: 'source.toolkit.fluxcd.io',
  Bucket: 'source.toolkit.fluxcd.io',
  ExternalArtifact: 'source.toolkit.fluxcd.io',
  Kustomization: 'kustomize.toolkit.fluxcd.io',
  HelmRelease: 'helm.toolkit.fluxcd.io',
  Alert: 'notification.toolkit.fluxcd.io',
  Provider: 'notification.toolkit.fluxcd.io',
  Receiver: 'notification.toolkit.fluxcd.io',
  ImageRepository: 'image.toolkit.fluxcd.io',
  ImagePolicy: 'image.toolkit.fluxcd.io',
  ImageUpdateAutomation: 'image.toolkit.fluxcd.io',
};

/** `group/version` → group; `v1` (core) → ''; missing → the Flux kind's group or ''. */
export function apiGroupOf(kind: string, apiVersion?: string): string {
  if (apiVersion) return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return FLUX_KIND_GROUPS[kind] ?? '';
}

function contentId(kindTag: string, parts: string[]): string {
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest('hex');
  return `${kindTag}-${digest.slice(0, 32)}`;
}

function envelope<TType extends string, TData>(
  type: TType,
  data: TData,
  subject: string,
  options: EnvelopeOptions & { source: string; id: string },
): CloudEvent<TType, TData> {
  return {
    specversion: '1.0',
    id: options.id,
    source: options.source,
    type,
    subject,
    time: options.time ?? new Date().toISOString(),
    datacontenttype: 'application/json',
    data,
  };
}

/** Wraps a Flux event; each occurrence gets a fresh id. */
export function createReconcileEvent(
  event: FluxEvent,
  options: EnvelopeOptions & { source: string },
): ReconcileEventMessage {
  const { kind, namespace, name } = event.involvedObject;
  return envelope(MESSAGE_TYPES.event, event, `${kind}/${namespace}/${name}`, {
    ...options,
    time: options.time ?? event.timestamp,
    id: options.id ?? randomUUID(),
  });
}

/** Announces an artifact; the id is derived from the artifact, so re-announcements de-duplicate. */
export function createArtifactAnnouncement(
  announcement: ArtifactAnnouncement,
  options: EnvelopeOptions & { source: string },
): ArtifactAnnouncementMessage {
  const { kind, namespace, name, revision, digest } = announcement;
  const id = options.id ?? contentId('artifact', [kind, namespace, name, revision, digest]);
  return envelope(MESSAGE_TYPES.artifact, announcement, `${kind}/${namespace}/${name}`, { ...options, id });
}

/** Requests a reconcile; the id is derived from object and token, so the same request de-duplicates. */
export function createReconcileRequest(
  request: ReconcileRequest,
  options: EnvelopeOptions & { source: string },
): ReconcileRequestMessage {
  const { kind, namespace, name, requestedAt } = request;
  const id = options.id ?? contentId('reconcile', [kind, namespace, name, requestedAt]);
  return envelope(MESSAGE_TYPES.reconcile, request, `${kind}/${namespace}/${name}`, { ...options, id });
}

const KIND_BY_TYPE = new Map<string, MessageKind>(
  Object.entries(MESSAGE_TYPES).map(([kind, type]) => [type, kind as MessageKind]),
);

export function messageKindOf(message: Pick<BusMessage, 'type'>): MessageKind {
  const kind = KIND_BY_TYPE.get(message.type);
  if (!kind) throw new BusError('INVALID_MESSAGE', `unknown CloudEvents type '${String(message.type)}'`);
  return kind;
}

/** Where a message is published. */
export function addressOf(message: BusMessage): SubjectAddress {
  switch (message.type) {
    case MESSAGE_TYPES.event: {
      const { kind = '', namespace = '', name = '', apiVersion } = message.data.involvedObject;
      return { type: 'event', group: apiGroupOf(kind, apiVersion), kind, namespace, name };
    }
    case MESSAGE_TYPES.artifact:
    case MESSAGE_TYPES.reconcile: {
      const { kind, namespace, name } = message.data;
      return { type: messageKindOf(message), kind, namespace, name } as SubjectAddress;
    }
  }
}

type Problems = string[];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireString(
  problems: Problems,
  record: Record<string, unknown>,
  field: string,
  path: string,
): void {
  const value = record[field];
  if (typeof value !== 'string' || value === '') problems.push(`${path}${field} must be a non-empty string`);
}

function optionalString(
  problems: Problems,
  record: Record<string, unknown>,
  field: string,
  path: string,
): void {
  if (record[field] !== undefined && typeof record[field] !== 'string') {
    problems.push(`${path}${field} must be a string`);
  }
}

function checkFluxEvent(problems: Problems, data: Record<string, unknown>): void {
  const involved = data.involvedObject;
  if (!isRecord(involved)) {
    problems.push('data.involvedObject must be an object');
  } else {
    for (const field of ['kind', 'namespace', 'name'])
      requireString(problems, involved, field, 'data.involvedObject.');
    for (const field of ['uid', 'apiVersion', 'resourceVersion']) {
      optionalString(problems, involved, field, 'data.involvedObject.');
    }
  }
  if (!['trace', 'info', 'error'].includes(data.severity as string)) {
    problems.push('data.severity must be one of trace, info, error');
  }
  if (typeof data.timestamp !== 'string' || Number.isNaN(Date.parse(data.timestamp))) {
    problems.push('data.timestamp must be an RFC 3339 time');
  }
  if (typeof data.message !== 'string') problems.push('data.message must be a string');
  requireString(problems, data, 'reason', 'data.');
  requireString(problems, data, 'reportingController', 'data.');
  optionalString(problems, data, 'reportingInstance', 'data.');
  const metadata = data.metadata;
  if (
    metadata !== undefined &&
    (!isRecord(metadata) || Object.values(metadata).some((v) => typeof v !== 'string'))
  ) {
    problems.push('data.metadata must map strings to strings');
  }
}

function checkArtifact(problems: Problems, data: Record<string, unknown>): void {
  for (const field of ['kind', 'namespace', 'name', 'revision', 'digest', 'storageKey', 'url']) {
    requireString(problems, data, field, 'data.');
  }
  const size = data.size;
  if (size !== undefined && !(Number.isSafeInteger(size) && (size as number) >= 0)) {
    problems.push('data.size must be a non-negative integer');
  }
  optionalString(problems, data, 'lastUpdateTime', 'data.');
}

function checkReconcileRequest(problems: Problems, data: Record<string, unknown>): void {
  for (const field of ['kind', 'namespace', 'name', 'requestedAt'])
    requireString(problems, data, field, 'data.');
}

const DATA_CHECKS: Record<MessageKind, (problems: Problems, data: Record<string, unknown>) => void> = {
  event: checkFluxEvent,
  artifact: checkArtifact,
  reconcile: checkReconcileRequest,
};

function checkEnvelope(problems: Problems, value: Record<string, unknown>): MessageKind | undefined {
  if (value.specversion !== '1.0') problems.push("specversion must be '1.0'");
  requireString(problems, value, 'id', '');
  requireString(problems, value, 'source', '');
  optionalString(problems, value, 'subject', '');
  if (value.time !== undefined && (typeof value.time !== 'string' || Number.isNaN(Date.parse(value.time)))) {
    problems.push('time must be an RFC 3339 time');
  }
  if (value.datacontenttype !== undefined && value.datacontenttype !== 'application/json') {
    problems.push("datacontenttype must be 'application/json'");
  }
  const kind = KIND_BY_TYPE.get(value.type as string);
  if (!kind) problems.push(`type must be one of ${[...KIND_BY_TYPE.keys()].join(', ')}`);
  return kind;
}

/** Checks an arbitrary value is a well-formed bus message; throws INVALID_MESSAGE listing every problem. */
export function validateMessage(value: unknown): BusMessage {
  if (!isRecord(value)) throw new BusError('INVALID_MESSAGE', 'a bus message must be a CloudEvent object');
  const problems: Problems = [];
  const kind = checkEnvelope(problems, value);
  if (!isRecord(value.data)) problems.push('data must be an object');
  else if (kind) DATA_CHECKS[kind](problems, value.data);
  if (problems.length > 0) {
    const id = typeof value.id === 'string' ? ` ${value.id}` : '';
    throw new BusError('INVALID_MESSAGE', `invalid CloudEvent${id}: ${problems.join('; ')}`);
  }
  return value as unknown as BusMessage;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Structured-mode body: the whole CloudEvent as JSON. */
export function encodeMessage(message: BusMessage): Uint8Array {
  return utf8Encoder.encode(JSON.stringify(message));
}

export function decodeMessage(body: Uint8Array): BusMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8Decoder.decode(body));
  } catch (error) {
    throw new BusError('INVALID_MESSAGE', 'message body is not JSON', { cause: error });
  }
  return validateMessage(parsed);
}

/** Media type of structured-mode CloudEvents, sent as the NATS `Content-Type` header. */
export const CLOUDEVENTS_JSON = 'application/cloudevents+json';
