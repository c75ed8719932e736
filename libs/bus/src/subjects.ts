// The subject scheme (documented in README.md) and the reversible token encoding that lets
// Kubernetes names, which contain dots, live inside single NATS subject tokens.
import { BusError } from './errors.js';

export type MessageKind = 'event' | 'artifact' | 'reconcile';

/** Second subject token for each message kind; stable, part of the public contract. */
export const KIND_SEGMENTS: Readonly<Record<MessageKind, string>> = {
  event: 'events',
  artifact: 'artifacts',
  reconcile: 'reconcile',
};

export const DEFAULT_SUBJECT_PREFIX = 'flotilla';

const ESCAPE = '~';
const EMPTY_TOKEN = '~';
const HEX = '0123456789ABCDEF';
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const PREFIX_PATTERN = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** Bytes kept verbatim: printable ASCII except the NATS separator, both wildcards and the escape. */
function isVerbatim(byte: number): boolean {
  return byte > 0x20 && byte < 0x7f && byte !== 0x2e && byte !== 0x2a && byte !== 0x3e && byte !== 0x7e;
}

/**
 * Encodes any (well-formed) string as one wildcard-safe NATS token: every UTF-8 byte outside printable ASCII,
 * and `.`, `*`, `>`, `~`, becomes `~XX` (upper-case hex). The empty string becomes a lone `~`.
 */
export function encodeToken(value: string): string {
  if (value === '') return EMPTY_TOKEN;
  // A lone surrogate has no UTF-8 form and would not survive the round trip.
  if (!value.isWellFormed())
    throw new BusError('INVALID_SUBJECT', 'subject values must be well-formed Unicode');
  let out = '';
  for (const byte of utf8Encoder.encode(value)) {
    out += isVerbatim(byte) ? String.fromCharCode(byte) : ESCAPE + HEX[byte >> 4] + HEX[byte & 0x0f];
  }
  return out;
}

function invalidToken(token: string, why: string): BusError {
  return new BusError(
    'INVALID_TOKEN_ENCODING',
    `subject token '${token}' is not canonically encoded: ${why}`,
  );
}

/** Inverse of {@link encodeToken}; rejects anything encodeToken would not have produced. */
export function decodeToken(token: string): string {
  if (token === EMPTY_TOKEN) return '';
  if (token === '') throw invalidToken(token, 'empty token');
  const bytes: number[] = [];
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    if (code !== 0x7e) {
      if (!isVerbatim(code)) throw invalidToken(token, `raw character ${JSON.stringify(token[i])}`);
      bytes.push(code);
      continue;
    }
    const hex = token.slice(i + 1, i + 3);
    if (!/^[0-9A-F]{2}$/.test(hex)) throw invalidToken(token, `bad escape at offset ${i}`);
    bytes.push(parseInt(hex, 16));
    i += 2;
  }
  let decoded: string;
  try {
    decoded = utf8Decoder.decode(new Uint8Array(bytes));
  } catch {
    throw invalidToken(token, 'escapes do not form valid UTF-8');
  }
  // Unique encoding: `~41` for `A` would decode but is not what encodeToken writes.
  if (encodeToken(decoded) !== token) throw invalidToken(token, 'escapes a character that needs none');
  return decoded;
}

export function validateSubjectPrefix(prefix: string): string {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new BusError(
      'INVALID_SUBJECT',
      `subject prefix '${prefix}' must be dot-separated tokens of letters, digits, '_' or '-'`,
    );
  }
  return prefix;
}

/** Identifies one Flux object on the bus. */
export interface ObjectKey {
  kind: string;
  namespace: string;
  name: string;
}

/** An event subject additionally carries the API group of the involved object. */
export interface EventKey extends ObjectKey {
  /** API group, e.g. `source.toolkit.fluxcd.io`; empty for the core group. */
  group: string;
}

export type SubjectAddress =
  ({ type: 'event' } & EventKey) | ({ type: 'artifact' } & ObjectKey) | ({ type: 'reconcile' } & ObjectKey);

/** What a subscription selects; omitted fields match anything (`*`). */
export type SubscriptionFilter =
  | { type: 'event'; group?: string; kind?: string; namespace?: string; name?: string }
  | { type: 'artifact'; kind?: string; namespace?: string; name?: string }
  | { type: 'reconcile'; kind?: string; namespace?: string; name?: string };

function objectTokens(key: Partial<ObjectKey>, wildcard: boolean): string[] {
  return [key.kind, key.namespace, key.name].map((value) => {
    if (value === undefined) {
      if (wildcard) return '*';
      throw new BusError('INVALID_SUBJECT', 'kind, namespace and name are required to build a subject');
    }
    return encodeToken(value);
  });
}

function subjectTokens(
  address: Partial<SubjectAddress> & { type: MessageKind },
  wildcard: boolean,
): string[] {
  const tokens = [KIND_SEGMENTS[address.type]];
  if (address.type === 'event') {
    const group = (address as Partial<EventKey>).group;
    if (group === undefined && !wildcard)
      throw new BusError('INVALID_SUBJECT', 'event subjects need a group');
    tokens.push(group === undefined ? '*' : encodeToken(group));
  }
  return tokens.concat(objectTokens(address, wildcard));
}

/** The concrete subject a message is published on. */
export function subjectFor(prefix: string, address: SubjectAddress): string {
  return [prefix, ...subjectTokens(address, false)].join('.');
}

/** The NATS subject filter for a subscription (uses `*` for omitted fields). */
export function filterSubject(prefix: string, filter: SubscriptionFilter): string {
  if (!Object.hasOwn(KIND_SEGMENTS, filter.type)) {
    throw new BusError('INVALID_FILTER', `unknown message type '${String(filter.type)}'`);
  }
  return [prefix, ...subjectTokens(filter, true)].join('.');
}

/** Every subject this bus uses, for the stream definition. */
export function streamSubjects(prefix: string): string[] {
  return [`${prefix}.>`];
}

/** Decodes a concrete subject back into its address; throws INVALID_SUBJECT if it is not ours. */
export function parseSubject(prefix: string, subject: string): SubjectAddress {
  const prefixTokens = prefix.split('.').length;
  const tokens = subject.split('.');
  if (tokens.slice(0, prefixTokens).join('.') !== prefix) {
    throw new BusError('INVALID_SUBJECT', `subject '${subject}' does not start with prefix '${prefix}'`);
  }
  const [segment, ...rest] = tokens.slice(prefixTokens);
  const decoded = rest.map(decodeToken);
  if (segment === KIND_SEGMENTS.event && decoded.length === 4) {
    const [group, kind, namespace, name] = decoded as [string, string, string, string];
    return { type: 'event', group, kind, namespace, name };
  }
  for (const type of ['artifact', 'reconcile'] as const) {
    if (segment === KIND_SEGMENTS[type] && decoded.length === 3) {
      const [kind, namespace, name] = decoded as [string, string, string];
      return { type, kind, namespace, name };
    }
  }
  throw new BusError('INVALID_SUBJECT', `subject '${subject}' does not follow the flotilla subject scheme`);
}

/** NATS subject matching: `*` matches one token, a trailing `>` one or more. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const patternTokens = pattern.split('.');
  const subjectTokens = subject.split('.');
  for (let i = 0; i < patternTokens.length; i++) {
    const token = patternTokens[i];
    if (token === '>') return subjectTokens.length > i;
    if (i >= subjectTokens.length) return false;
    if (token !== '*' && token !== subjectTokens[i]) return false;
  }
  return patternTokens.length === subjectTokens.length;
}
