// The Kubernetes API-server double: an HTTP server on 127.0.0.1 wiring authentication,
// impersonation, authorization, fault injection, discovery and resource handlers to the in-memory
// core, plus the in-process controllers (CRDs, namespaces, garbage collection, kubelet simulator).
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  alwaysAllow,
  authenticate,
  deniedError,
  impersonate,
  ruleAuthorizer,
  type AccessRule,
  type AuthenticationOptions,
  type Authorizer,
  type UserInfo,
} from './auth.js';
import { internalWrite } from './controller-util.js';
import { DEFAULT_CORE_OPTIONS, KubeApiCore } from './core.js';
import { CrdController, isEstablished } from './crd-controller.js';
import { coreVersions, groupInfo, groupList, resourceList, VERSION_INFO } from './discovery.js';
import { methodNotAllowed, toKubeApiError, unknownResource } from './errors.js';
import { FaultInjector } from './faults.js';
import { GarbageCollector } from './garbage-collector.js';
import { ResourceHandlers } from './handlers.js';
import { sendError, sendJson, sendText } from './http-io.js';
import { metaOf, type KubeObject } from './json.js';
import { kubePatchEngine, kubePatchFieldManagers } from './kube-patch-adapter.js';
import { renderKubeconfig } from './kubeconfig.js';
import { KubeletSimulator, type KubeletSimulatorOptions } from './kubelet-sim.js';
import { NamespaceController } from './namespace-controller.js';
import { nativeResourceTypes } from './native-kinds.js';
import { defaultRbacObjects, rbacAuthorizer } from './rbac.js';
import { ContinueTokens } from './reads.js';
import type { ResourceType } from './resource-types.js';
import { route, type RouteInfo } from './router.js';
import { WatchHub } from './watch.js';
import { createObject } from './writes.js';

export interface KubeApiServerOptions extends AuthenticationOptions {
  /** TCP port on 127.0.0.1 (default 0: a free one). */
  port?: number;
  /** Bearer token written into kubeconfigs (default: a random one; with `tokens`, the first key). */
  token?: string;
  /**
   * 'AlwaysAllow' (default); 'RBAC' evaluates the Roles/ClusterRoles and bindings stored in the
   * double; a list of allow rules; or any function. `system:masters` (the default token's group)
   * is always allowed by 'RBAC' and rules.
   */
  authorization?: 'AlwaysAllow' | 'RBAC' | AccessRule[] | Authorizer;
  /** Change events kept per resource for watch resumption (default 10,000). */
  historyPerStore?: number;
  /** Lifetime of list continue tokens (default 5 minutes). */
  continueTtlMs?: number;
  /** Interval of BOOKMARK events on watches that allow them (default 5 s). */
  bookmarkIntervalMs?: number;
  /** Emulate the garbage collector (default true; false behaves like envtest). */
  garbageCollection?: boolean;
  /** Empty and finalize terminating namespaces (default true; false behaves like envtest). */
  namespaceCleanup?: boolean;
  /** Start the kubelet simulator (default off; can be switched on later via `kubelet.enable`). */
  kubelet?: boolean | KubeletSimulatorOptions;
  /** CustomResourceDefinitions installed (and Established) before the server answers. */
  crds?: KubeObject[];
}

const BOOTSTRAP_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export class KubeApiServer {
  readonly core: KubeApiCore;
  readonly faults = new FaultInjector();
  readonly kubelet: KubeletSimulator;
  /** Errors thrown inside the in-process controllers (a test can assert there are none). */
  readonly controllerErrors: unknown[] = [];
  readonly token: string;
  private readonly hub: WatchHub;
  private readonly tokens: ContinueTokens;
  private readonly handlers: ResourceHandlers;
  private readonly authorize: Authorizer;
  private readonly controllers: { stop(): void }[] = [];
  private server: Server | undefined;
  private address: AddressInfo | undefined;

  constructor(private readonly options: KubeApiServerOptions = {}) {
    this.core = new KubeApiCore(
      {
        historyPerStore: options.historyPerStore ?? DEFAULT_CORE_OPTIONS.historyPerStore,
        continueTtlMs: options.continueTtlMs ?? DEFAULT_CORE_OPTIONS.continueTtlMs,
        garbageCollection: options.garbageCollection ?? DEFAULT_CORE_OPTIONS.garbageCollection,
        namespaceCleanup: options.namespaceCleanup ?? DEFAULT_CORE_OPTIONS.namespaceCleanup,
      },
      kubePatchFieldManagers(() => this.core),
    );
    this.token = options.token ?? Object.keys(options.tokens ?? {})[0] ?? randomBytes(16).toString('hex');
    this.hub = new WatchHub(this.core, () => options.bookmarkIntervalMs ?? 5_000);
    this.tokens = new ContinueTokens(() => this.core.options.continueTtlMs);
    this.authorize = this.makeAuthorizer();
    this.handlers = new ResourceHandlers({
      core: this.core,
      hub: this.hub,
      tokens: this.tokens,
      engine: kubePatchEngine(),
      authorize: this.authorize,
    });
    this.kubelet = new KubeletSimulator(this.core, (e) => this.controllerErrors.push(e));
    this.bootstrap();
    // History starts after the bootstrap objects, as a real server's watch cache starts at its
    // initial list: a watch from an earlier resourceVersion (e.g. "1") gets 410 Expired.
    this.core.db.compact();
  }

  private makeAuthorizer(): Authorizer {
    const mode = this.options.authorization ?? 'AlwaysAllow';
    if (mode === 'AlwaysAllow') return alwaysAllow;
    if (mode === 'RBAC') return rbacAuthorizer(this.core);
    if (Array.isArray(mode)) return ruleAuthorizer(mode);
    return mode;
  }

  private bootstrap(): void {
    this.core.registry.register(nativeResourceTypes());
    const onError = (e: unknown) => this.controllerErrors.push(e);
    this.controllers.push(new CrdController(this.core, this.hub, onError));
    if (this.core.options.namespaceCleanup)
      this.controllers.push(new NamespaceController(this.core, onError));
    if (this.core.options.garbageCollection) this.controllers.push(new GarbageCollector(this.core, onError));
    const type = (group: string, plural: string) =>
      this.core.registry.versionsOfStorage(`${group}/${plural}`)[0] as ResourceType;
    for (const name of BOOTSTRAP_NAMESPACES) {
      createObject(
        this.core,
        { type: type('', 'namespaces'), namespace: '' },
        { metadata: { name } },
        internalWrite('kube-apiserver'),
      );
    }
    for (const obj of defaultRbacObjects()) {
      const plural = obj.kind === 'ClusterRole' ? 'clusterroles' : 'clusterrolebindings';
      createObject(
        this.core,
        { type: type('rbac.authorization.k8s.io', plural), namespace: '' },
        obj,
        internalWrite('kube-apiserver'),
      );
    }
    if (this.options.kubelet) this.kubelet.enable(this.options.kubelet === true ? {} : this.options.kubelet);
  }

  /** Starts listening on 127.0.0.1; resolves once CRDs given in the options are Established. */
  async start(): Promise<void> {
    const crdType = this.core.registry.versionsOfStorage(
      'apiextensions.k8s.io/customresourcedefinitions',
    )[0] as ResourceType;
    for (const crd of this.options.crds ?? []) {
      createObject(
        this.core,
        { type: crdType, namespace: '' },
        structuredClone(crd),
        internalWrite('kube-apiserver'),
      );
    }
    await this.waitForCrds((this.options.crds ?? []).map((c) => String(metaOf(c).name)));
    const server = createServer((request, response) => void this.handle(request, response));
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.address = server.address() as AddressInfo;
  }

  private async waitForCrds(names: string[]): Promise<void> {
    const crdType = this.core.registry.versionsOfStorage(
      'apiextensions.k8s.io/customresourcedefinitions',
    )[0] as ResourceType;
    const deadline = Date.now() + 5_000;
    while (
      !names.every((n) => {
        const crd = this.core.get(crdType, '', n);
        return crd !== undefined && isEstablished(crd);
      })
    ) {
      if (Date.now() > deadline) throw new Error(`CRDs not established: ${names.join(', ')}`);
      await sleep(1);
    }
  }

  get port(): number {
    if (!this.address) throw new Error('kube-api server not started');
    return this.address.port;
  }

  /** http://127.0.0.1:PORT */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The latest resourceVersion handed out. */
  get resourceVersion(): string {
    return String(this.core.db.currentRv);
  }

  /** Open watch streams. */
  get openWatches(): number {
    return this.hub.size;
  }

  kubeconfig(options: { namespace?: string; as?: string } = {}): string {
    return renderKubeconfig({ server: this.url, token: this.token, ...options });
  }

  async writeKubeconfig(file: string, options: { namespace?: string; as?: string } = {}): Promise<void> {
    await writeFile(file, this.kubeconfig(options), { mode: 0o600 });
  }

  /** Forgets all change history and continue tokens: watches/lists from older RVs get 410. */
  compactHistory(): void {
    this.core.db.compact();
    this.tokens.expireAll();
  }

  expireContinueTokens(): void {
    this.tokens.expireAll();
  }

  /** Ends open watches (cleanly, as a server-side timeout does) whose path matches; returns how many. */
  dropWatches(path?: string | RegExp): number {
    return this.hub.close((spec) =>
      path === undefined
        ? true
        : typeof path === 'string'
          ? spec.path.startsWith(path)
          : path.test(spec.path),
    );
  }

  async close(): Promise<void> {
    for (const controller of this.controllers) controller.stop();
    this.kubelet.disable();
    this.hub.close();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    const watchParam = url.searchParams.get('watch');
    const isWatch = method === 'GET' && (watchParam === 'true' || watchParam === '1');
    try {
      const effects = this.faults.effectsFor(method, url.pathname, isWatch);
      if (effects.latencyMs > 0) await sleep(effects.latencyMs);
      if (effects.error) throw effects.error;
      const info = route(url.pathname);
      if (info.kind === 'health') return sendText(response, 200, 'ok');
      if (info.kind === 'version') return sendJson(response, 200, VERSION_INFO);
      const user = impersonate(request, authenticate(request, this.options), this.authorize);
      if (info.kind === 'resource') {
        await this.handlers.handle({
          request,
          response,
          url,
          user,
          route: info,
          dropWatchAfterMs: effects.dropWatchAfterMs,
        });
        return;
      }
      this.serveDiscovery(info, method, user, url, response);
    } catch (error) {
      sendError(response, toKubeApiError(error));
    }
  }

  private serveDiscovery(
    info: RouteInfo,
    method: string,
    user: UserInfo,
    url: URL,
    response: ServerResponse,
  ): void {
    if (info.kind === 'unknown') throw unknownResource();
    if (method !== 'GET')
      throw methodNotAllowed('the server does not allow this method on the requested resource');
    const attributes = { user, verb: 'get', path: url.pathname };
    if (!this.authorize(attributes)) throw deniedError(attributes);
    const registry = this.core.registry;
    let body: unknown;
    if (info.kind === 'core-versions') body = coreVersions(`127.0.0.1:${this.port}`);
    else if (info.kind === 'groups') body = groupList(registry);
    else if (info.kind === 'group') body = groupInfo(registry, info.group);
    else if (info.kind === 'resource-list' && registry.hasGroupVersion(info.group, info.version)) {
      body = resourceList(registry, info.group, info.version);
    }
    if (body === undefined) throw unknownResource();
    sendJson(response, 200, body);
  }
}

/** Creates and starts a server (the usual entry point for tests). */
export async function startKubeApi(options: KubeApiServerOptions = {}): Promise<KubeApiServer> {
  const server = new KubeApiServer(options);
  await server.start();
  return server;
}
