// Serving resource requests: scope checks, verb mapping, authorization, query options, then get /
// list / watch / create / update / patch / delete / deletecollection on the core.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { deniedError, type Authorizer, type RequestAttributes, type UserInfo } from './auth.js';
import { groupResourceOf, type KubeApiCore } from './core.js';
import { deleteObject, deletedReply, parseDeleteOptions } from './deletion.js';
import { badRequest, field, invalid, methodNotAllowed, unknownResource } from './errors.js';
import type { FieldValidation } from './admission.js';
import { mediaTypeOf, parseJsonBody, readBody, sendJson, warningHeaders } from './http-io.js';
import { isObject, metaOf, type KubeObject } from './json.js';
import { patchKindOf, patchObject, type PatchEngine } from './patching.js';
import { filterMatches, listObjects, parseFilter, type ContinueTokens } from './reads.js';
import { checkEscalation } from './rbac-escalation.js';
import type { ResourceType } from './resource-types.js';
import type { ResourceRoute } from './router.js';
import { scaleOf, writeScale } from './scale.js';
import type { WatchHub } from './watch.js';
import { createObject, updateObject, type WriteOptions, type WriteSubresource } from './writes.js';

export interface HandlerDeps {
  core: KubeApiCore;
  hub: WatchHub;
  tokens: ContinueTokens;
  engine: PatchEngine;
  authorize: Authorizer;
}

export interface ResourceRequest {
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  user: UserInfo;
  route: ResourceRoute;
  /** Fault injection: close this watch after so many milliseconds. */
  dropWatchAfterMs: number | undefined;
}

interface Resolved {
  type: ResourceType;
  /** Namespace of the request ('' for cluster-scoped; undefined for all-namespace collections). */
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

function resolve(core: KubeApiCore, route: ResourceRoute): Resolved {
  const type = core.registry.lookup(route.group, route.version, route.resource);
  if (!type) throw unknownResource();
  if (route.namespace !== undefined && !type.namespaced) throw unknownResource();
  if (route.name !== undefined && type.namespaced && route.namespace === undefined) throw unknownResource();
  const sub = route.subresource;
  if (sub !== undefined) {
    const known =
      (sub === 'status' && type.statusSubresource) ||
      (sub === 'scale' && type.scale !== undefined) ||
      (sub === 'finalize' && type.finalizeSubresource === true);
    if (!known) throw unknownResource();
  }
  return { type, namespace: type.namespaced ? route.namespace : '', name: route.name, subresource: sub };
}

function verbOf(method: string, resolved: Resolved, url: URL): string {
  const item = resolved.name !== undefined;
  const watch = url.searchParams.get('watch');
  switch (method) {
    case 'GET':
      if (item) return 'get';
      return watch === 'true' || watch === '1' ? 'watch' : 'list';
    case 'POST':
      return item ? '' : 'create';
    case 'PUT':
      return item ? 'update' : '';
    case 'PATCH':
      return item ? 'patch' : '';
    case 'DELETE':
      return item ? 'delete' : 'deletecollection';
    default:
      return '';
  }
}

/** The verb of a request, or 405 when the endpoint does not offer it. */
function allowedVerb(method: string, resolved: Resolved, url: URL): string {
  const verb = verbOf(method, resolved, url);
  const subresourceVerb = !resolved.subresource || ['get', 'update', 'patch'].includes(verb);
  const scoped =
    !(verb === 'create' || verb === 'deletecollection') ||
    !resolved.type.namespaced ||
    resolved.namespace !== undefined;
  if (!verb || !resolved.type.verbs.includes(verb) || !subresourceVerb || !scoped) {
    throw methodNotAllowed(
      'the server does not allow this method on the requested resource',
      groupResourceOf(resolved.type),
    );
  }
  return verb;
}

function attributesOf(user: UserInfo, verb: string, resolved: Resolved): RequestAttributes {
  const resource: NonNullable<RequestAttributes['resource']> = {
    group: resolved.type.group,
    resource: resolved.type.plural,
  };
  if (resolved.subresource) resource.subresource = resolved.subresource;
  if (resolved.namespace) resource.namespace = resolved.namespace;
  if (resolved.name !== undefined) resource.name = resolved.name;
  return { user, verb, resource };
}

function dryRunOf(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const value of values) {
    if (value !== 'All') {
      throw invalid({ group: 'meta.k8s.io', kind: 'CreateOptions', name: '' }, [
        field.notSupported('dryRun', value, ['All']),
      ]);
    }
  }
  return values.length > 0;
}

function fieldValidationOf(query: URLSearchParams): FieldValidation {
  const value = query.get('fieldValidation') ?? 'Warn';
  if (value !== 'Ignore' && value !== 'Warn' && value !== 'Strict') {
    throw badRequest(`fieldValidation: Invalid value: "${value}": must be one of Ignore, Warn, or Strict`);
  }
  return value;
}

function explicitManager(query: URLSearchParams): string | undefined {
  const manager = query.get('fieldManager') ?? undefined;
  if (manager !== undefined && (manager.length > 128 || !/^[\x20-\x7e]*$/.test(manager))) {
    throw invalid({ group: 'meta.k8s.io', kind: 'PatchOptions', name: '' }, [
      field.invalid('fieldManager', manager, 'must be at most 128 printable characters'),
    ]);
  }
  return manager === '' ? undefined : manager;
}

/** Writes run as `fieldManager`, else the User-Agent up to its first `/`. */
function managerOf(query: URLSearchParams, request: IncomingMessage): string {
  const explicit = explicitManager(query);
  if (explicit) return explicit;
  const agent = request.headers['user-agent'] ?? '';
  const prefix = agent.split('/')[0]?.trim() ?? '';
  return prefix || 'unknown';
}

function writeOptionsOf(rr: ResourceRequest, deps: HandlerDeps): WriteOptions {
  const query = rr.url.searchParams;
  const context = { core: deps.core, authorize: deps.authorize, user: rr.user };
  return {
    dryRun: dryRunOf(query),
    manager: managerOf(query, rr.request),
    fieldValidation: fieldValidationOf(query),
    warnings: [],
    admissionCheck: (type, obj) => checkEscalation(context, type, obj),
  };
}

async function jsonObjectBody(request: IncomingMessage): Promise<KubeObject> {
  const body = parseJsonBody(await readBody(request));
  if (!isObject(body)) throw badRequest('the request body must be a JSON object');
  return body as KubeObject;
}

export class ResourceHandlers {
  constructor(private readonly deps: HandlerDeps) {}

  async handle(rr: ResourceRequest): Promise<void> {
    const { core } = this.deps;
    const resolved = resolve(core, rr.route);
    const verb = allowedVerb(rr.request.method ?? 'GET', resolved, rr.url);
    this.authorize(rr.user, verb, resolved);
    switch (verb) {
      case 'get':
        return this.get(rr, resolved);
      case 'list':
        return sendJson(
          rr.response,
          200,
          listObjects(core, this.deps.tokens, {
            type: resolved.type,
            namespace: resolved.namespace,
            query: rr.url.searchParams,
          }),
        );
      case 'watch':
        return this.watch(rr, resolved);
      case 'create':
        return this.create(rr, resolved);
      case 'update':
        return this.update(rr, resolved);
      case 'patch':
        return this.patch(rr, resolved);
      case 'delete':
        return this.delete(rr, resolved);
      default:
        return this.deleteCollection(rr, resolved);
    }
  }

  private authorize(user: UserInfo, verb: string, resolved: Resolved): void {
    const attributes = attributesOf(user, verb, resolved);
    if (!this.deps.authorize(attributes)) throw deniedError(attributes);
  }

  private get(rr: ResourceRequest, r: Resolved): void {
    const { core } = this.deps;
    const obj = core.view(r.type, core.mustGet(r.type, r.namespace ?? '', r.name as string));
    sendJson(rr.response, 200, r.subresource === 'scale' && r.type.scale ? scaleOf(obj, r.type.scale) : obj);
  }

  private async create(rr: ResourceRequest, r: Resolved): Promise<void> {
    const options = writeOptionsOf(rr, this.deps);
    const body = await jsonObjectBody(rr.request);
    const created = createObject(
      this.deps.core,
      { type: r.type, namespace: r.namespace ?? '' },
      body,
      options,
    );
    sendJson(rr.response, 201, created, warningHeaders(options.warnings));
  }

  private async update(rr: ResourceRequest, r: Resolved): Promise<void> {
    const options = writeOptionsOf(rr, this.deps);
    const body = await jsonObjectBody(rr.request);
    const target = { type: r.type, namespace: r.namespace ?? '', name: r.name as string };
    if (r.subresource === 'scale') {
      sendJson(
        rr.response,
        200,
        writeScale(this.deps.core, { ...target, body }, options),
        warningHeaders(options.warnings),
      );
      return;
    }
    const updated = updateObject(
      this.deps.core,
      { ...target, body, subresource: r.subresource as WriteSubresource, requireResourceVersion: true },
      options,
    );
    sendJson(rr.response, 200, updated, warningHeaders(options.warnings));
  }

  private async patch(rr: ResourceRequest, r: Resolved): Promise<void> {
    const { core, engine } = this.deps;
    const options = writeOptionsOf(rr, this.deps);
    const kind = patchKindOf(mediaTypeOf(rr.request), r.type);
    const text = await readBody(rr.request);
    const target = { type: r.type, namespace: r.namespace ?? '', name: r.name as string };
    const force = rr.url.searchParams.get('force') === 'true';
    if (r.subresource === 'scale') {
      const patch = { kind, document: parseJsonBody(text), engine };
      sendJson(
        rr.response,
        200,
        writeScale(core, { ...target, patch }, options),
        warningHeaders(options.warnings),
      );
      return;
    }
    if (kind === 'apply' && !core.get(r.type, target.namespace, target.name) && r.subresource === undefined) {
      this.authorize(rr.user, 'create', r);
    }
    const result = patchObject(
      core,
      engine,
      {
        ...target,
        subresource: r.subresource as WriteSubresource,
        kind,
        body: text,
        force,
        fieldManager: explicitManager(rr.url.searchParams),
      },
      options,
    );
    sendJson(rr.response, result.created ? 201 : 200, result.object, warningHeaders(options.warnings));
  }

  private async delete(rr: ResourceRequest, r: Resolved): Promise<void> {
    const text = await readBody(rr.request);
    const body = text.trim() === '' ? undefined : parseJsonBody(text);
    const options = parseDeleteOptions(body, rr.url.searchParams, dryRunOf(rr.url.searchParams));
    const outcome = deleteObject(this.deps.core, r.type, r.namespace ?? '', r.name as string, options);
    sendJson(rr.response, 200, deletedReply(r.type, outcome));
  }

  private async deleteCollection(rr: ResourceRequest, r: Resolved): Promise<void> {
    const { core } = this.deps;
    const text = await readBody(rr.request);
    const body = text.trim() === '' ? undefined : parseJsonBody(text);
    const options = parseDeleteOptions(body, rr.url.searchParams, dryRunOf(rr.url.searchParams));
    const filter = parseFilter(r.type, rr.url.searchParams);
    const items: KubeObject[] = [];
    for (const obj of core.storeOf(r.type).list(r.namespace)) {
      if (!filterMatches(filter, obj)) continue;
      const outcome = deleteObject(
        core,
        r.type,
        String(metaOf(obj).namespace ?? ''),
        String(metaOf(obj).name),
        options,
      );
      items.push(outcome.object);
    }
    const list = {
      kind: r.type.listKind,
      apiVersion: rr.route.group ? `${rr.route.group}/${rr.route.version}` : rr.route.version,
      metadata: { resourceVersion: String(core.db.currentRv) },
      items,
    };
    sendJson(rr.response, 200, list);
  }

  private watch(rr: ResourceRequest, r: Resolved): void {
    const query = rr.url.searchParams;
    const filter = parseFilter(r.type, query);
    const spec = watchSpecOf(r, query, filter, rr.url.pathname);
    const response = rr.response;
    // Headers go out at once: client-node waits for them before reading events.
    response.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
      'Cache-Control': 'no-cache, private',
    });
    response.flushHeaders();
    const sink = {
      write: (line: string) => void response.write(line),
      end: () => response.end(),
      get pending() {
        return response.writableLength;
      },
    };
    const watcher = this.deps.hub.open(spec, sink);
    rr.request.socket.setNoDelay(true);
    response.on('close', () => watcher.stop());
    if (rr.dropWatchAfterMs !== undefined) {
      const timer = setTimeout(() => watcher.stop(), rr.dropWatchAfterMs);
      response.on('close', () => clearTimeout(timer));
    }
  }
}

function watchSpecOf(
  r: Resolved,
  query: URLSearchParams,
  filter: ReturnType<typeof parseFilter>,
  path: string,
) {
  const rvText = query.get('resourceVersion') ?? '';
  if (rvText !== '' && !/^\d+$/.test(rvText))
    throw badRequest(`resourceVersion: Invalid value: "${rvText}": must be a non-negative integer`);
  const bookmarks = query.get('allowWatchBookmarks') === 'true';
  const sendInitial = query.get('sendInitialEvents');
  if (sendInitial === 'true' && (query.get('resourceVersionMatch') !== 'NotOlderThan' || !bookmarks)) {
    throw invalid({ group: 'meta.k8s.io', kind: 'ListOptions', name: '' }, [
      field.forbidden(
        'sendInitialEvents',
        'sendInitialEvents is forbidden for watch unless resourceVersionMatch is NotOlderThan and allowWatchBookmarks is true',
      ),
    ]);
  }
  const timeoutSeconds = query.get('timeoutSeconds');
  const replayFrom = rvText === '' || rvText === '0' || sendInitial === 'true' ? undefined : Number(rvText);
  return {
    type: r.type,
    namespace: r.namespace === '' && !r.type.namespaced ? undefined : r.namespace,
    filter,
    sinceRv: replayFrom,
    bookmarks,
    initialEventsEnd: sendInitial === 'true',
    timeoutSeconds: timeoutSeconds ? Number(timeoutSeconds) : undefined,
    path,
  };
}
