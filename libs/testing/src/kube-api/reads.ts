// get and list (kube-api.md §2): label/field selectors, limit/continue with a frozen first page,
// and the resourceVersion / resourceVersionMatch semantics, including lists at an exact past RV
// rebuilt from the change log.
import { randomUUID } from 'node:crypto';
import type { KubeApiCore } from './core.js';
import { badRequest, expired, field, invalid, timeout } from './errors.js';
import { labelsOf, metaOf, type KubeObject } from './json.js';
import { groupVersionOf, type ResourceType } from './resource-types.js';
import {
  parseFieldSelector,
  parseLabelSelector,
  type FieldSelector,
  type LabelSelector,
} from './selectors.js';

export interface ObjectFilter {
  labels: LabelSelector;
  fields: FieldSelector;
  fieldsOf: (obj: KubeObject) => Record<string, string>;
}

/** Field values a selector can test: name, namespace and the kind's selectable fields. */
export function fieldReaderFor(type: ResourceType): (obj: KubeObject) => Record<string, string> {
  const extra = Object.entries(type.selectableFields);
  return (obj) => {
    const metadata = metaOf(obj);
    const fields: Record<string, string> = {
      'metadata.name': String(metadata.name ?? ''),
      'metadata.namespace': String(metadata.namespace ?? ''),
    };
    for (const [name, read] of extra) fields[name] = read(obj) ?? '';
    return fields;
  };
}

export function parseFilter(type: ResourceType, query: URLSearchParams): ObjectFilter {
  const supported = new Set(['metadata.name', 'metadata.namespace', ...Object.keys(type.selectableFields)]);
  return {
    labels: parseLabelSelector(query.get('labelSelector') ?? undefined),
    fields: parseFieldSelector(query.get('fieldSelector') ?? undefined, supported),
    fieldsOf: fieldReaderFor(type),
  };
}

export function filterMatches(filter: ObjectFilter, obj: KubeObject): boolean {
  if (filter.labels.requirements.length > 0 && !filter.labels.matches(labelsOf(obj))) return false;
  return filter.fields.requirements.length === 0 || filter.fields.matches(filter.fieldsOf(obj));
}

interface FrozenList {
  items: KubeObject[];
  rv: string;
  expiresAt: number;
}

interface ContinueToken {
  id: string;
  offset: number;
}

const EXPIRED_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** Lists frozen on their first page, so later pages share its resourceVersion. */
export class ContinueTokens {
  private readonly frozen = new Map<string, FrozenList>();

  constructor(private readonly ttlMs: () => number) {}

  freeze(items: KubeObject[], rv: string): string {
    this.sweep();
    const id = randomUUID();
    this.frozen.set(id, { items, rv, expiresAt: Date.now() + this.ttlMs() });
    return id;
  }

  encode(token: ContinueToken): string {
    return Buffer.from(JSON.stringify(token)).toString('base64url');
  }

  resolve(raw: string): { list: FrozenList; offset: number } {
    let token: ContinueToken;
    try {
      token = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as ContinueToken;
    } catch {
      throw badRequest(`continue key is not valid: illegal base64 data`);
    }
    if (typeof token?.id !== 'string' || typeof token.offset !== 'number')
      throw badRequest('continue key is not valid');
    const list = this.frozen.get(token.id);
    if (!list || list.expiresAt < Date.now()) throw expired(EXPIRED_CONTINUE);
    return { list, offset: token.offset };
  }

  /** Test hook (and compaction): every outstanding token now answers 410. */
  expireAll(): void {
    this.frozen.clear();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, list] of this.frozen) if (list.expiresAt < now) this.frozen.delete(id);
  }
}

export interface ListRequest {
  type: ResourceType;
  /** undefined = all namespaces. */
  namespace: string | undefined;
  query: URLSearchParams;
}

export interface ListBody {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: KubeObject[];
}

function parseRv(text: string): number {
  if (!/^\d+$/.test(text))
    throw badRequest(`resourceVersion: Invalid value: "${text}": must be a non-negative integer`);
  return Number(text);
}

/** Which snapshot a list reads: latest, or exactly `rv` (kube-api.md §2 table). */
function checkResourceVersionMatch(type: ResourceType, rvText: string, match: string): void {
  const target = { group: type.group, kind: type.kind, name: '' };
  if (match !== '' && match !== 'NotOlderThan' && match !== 'Exact') {
    throw invalid(target, [field.notSupported('resourceVersionMatch', match, ['Exact', 'NotOlderThan'])]);
  }
  if (match && rvText === '') {
    throw invalid(target, [
      field.forbidden(
        'resourceVersionMatch',
        'resourceVersionMatch is forbidden unless resourceVersion is provided',
      ),
    ]);
  }
  if (match === 'Exact' && rvText === '0') {
    throw invalid(target, [
      field.forbidden(
        'resourceVersionMatch',
        'resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
      ),
    ]);
  }
}

function snapshotRv(core: KubeApiCore, request: ListRequest): number | undefined {
  const { query, type } = request;
  const rvText = query.get('resourceVersion') ?? '';
  const match = query.get('resourceVersionMatch') ?? '';
  const limited = Number(query.get('limit') ?? '0') > 0;
  checkResourceVersionMatch(type, rvText, match);
  if (rvText === '' || rvText === '0') return undefined;
  const rv = parseRv(rvText);
  if (rv > core.db.currentRv) {
    throw timeout(`Too large resource version: ${rv}, current: ${core.db.currentRv}`, [
      { reason: 'ResourceVersionTooLarge', message: 'Too large resource version' },
    ]);
  }
  const exact = match === 'Exact' || (match === '' && limited);
  return exact ? rv : undefined;
}

/** The objects of a store as they were at `rv`, undoing later changes from the log. */
function objectsAt(core: KubeApiCore, request: ListRequest, rv: number): KubeObject[] {
  const store = core.storeOf(request.type);
  const events = store.eventsAfter(rv);
  if (!events) throw expired(`too old resource version: ${rv} (${store.compactedRv})`);
  const byKey = new Map<string, KubeObject>();
  const key = (ns: string, name: string) => `${ns}\u0000${name}`;
  for (const obj of store.list(request.namespace))
    byKey.set(key(String(metaOf(obj).namespace ?? ''), String(metaOf(obj).name)), obj);
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i];
    if (!event || (request.namespace !== undefined && event.namespace !== request.namespace)) continue;
    const k = key(event.namespace, event.name);
    if (event.type === 'ADDED') byKey.delete(k);
    else if (event.previous) byKey.set(k, event.previous);
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, obj]) => obj);
}

function listItem(core: KubeApiCore, type: ResourceType, obj: KubeObject): KubeObject {
  const view = core.view(type, obj);
  if (!type.builtin) return view;
  // Built-in list items carry no kind/apiVersion.
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = view;
  return rest;
}

/** GET collection (not watch). */
export function listObjects(core: KubeApiCore, tokens: ContinueTokens, request: ListRequest): ListBody {
  const { type, query } = request;
  const limit = Number(query.get('limit') ?? '0');
  const cont = query.get('continue') ?? '';
  let items: KubeObject[];
  let rv: string;
  let offset = 0;
  if (cont) {
    const rvText = query.get('resourceVersion') ?? '';
    if (rvText !== '' && rvText !== '0')
      throw badRequest('specifying resource version is not allowed when using continue');
    const resolved = tokens.resolve(cont);
    items = resolved.list.items;
    rv = resolved.list.rv;
    offset = resolved.offset;
  } else {
    const filter = parseFilter(type, query);
    const at = snapshotRv(core, request);
    const source =
      at === undefined ? core.storeOf(type).list(request.namespace) : objectsAt(core, request, at);
    items = source.filter((obj) => filterMatches(filter, obj)).map((obj) => listItem(core, type, obj));
    rv = String(at ?? core.db.currentRv);
  }
  const body: ListBody = {
    kind: type.listKind,
    apiVersion: groupVersionOf(type),
    metadata: { resourceVersion: rv },
    items,
  };
  if (limit > 0 && items.length - offset > limit) {
    const id = cont
      ? (JSON.parse(Buffer.from(cont, 'base64url').toString('utf8')) as ContinueToken).id
      : tokens.freeze(items, rv);
    body.items = items.slice(offset, offset + limit);
    body.metadata.continue = tokens.encode({ id, offset: offset + limit });
    body.metadata.remainingItemCount = items.length - offset - limit;
  } else if (offset > 0 || limit > 0)
    body.items = items.slice(offset, limit > 0 ? offset + limit : undefined);
  return body;
}
