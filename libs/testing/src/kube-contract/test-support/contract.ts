// Shared plumbing of the contract suite: typed clients on the target, one fresh namespace per test,
// Status errors as data, bounded polling and a client-node Watch recorder. Everything goes through
// @kubernetes/client-node so the suite is valid against a real cluster too.
import { randomBytes } from 'node:crypto';
import {
  ApiException,
  ApiextensionsV1Api,
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  Watch,
  type KubeConfig,
  type V1ObjectMeta,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, onTestFinished } from 'vitest';
import { openContractTarget, type ContractTarget } from '../target.js';

/** Label on everything the suite creates, so a real cluster can be swept by hand if a run dies. */
export const SUITE_LABEL = 'contract.flotilla.dev/suite';
/** Upper bound for every wait: a real cluster may take seconds to establish CRDs or deliver events. */
export const WAIT_MS = 10_000;

/** An object as the tests see it; fields are read and compared, never typed further. */
export interface Obj {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface Contract {
  readonly target: ContractTarget;
  readonly kc: KubeConfig;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly batch: BatchV1Api;
  readonly custom: CustomObjectsApi;
  readonly extensions: ApiextensionsV1Api;
  readonly objects: KubernetesObjectApi;
  /** Creates a uniquely named namespace, deleted (without waiting) when the file ends. */
  namespace(prefix?: string): Promise<string>;
}

/** Opens the target for one test file (beforeAll) and closes it afterwards. */
export function useContract(): Contract {
  let target: ContractTarget | undefined;
  let clients: Omit<Contract, 'target' | 'namespace'> | undefined;
  beforeAll(async () => {
    target = await openContractTarget();
    const kc = target.kc;
    clients = {
      kc,
      core: kc.makeApiClient(CoreV1Api),
      apps: kc.makeApiClient(AppsV1Api),
      batch: kc.makeApiClient(BatchV1Api),
      custom: kc.makeApiClient(CustomObjectsApi),
      extensions: kc.makeApiClient(ApiextensionsV1Api),
      objects: KubernetesObjectApi.makeApiClient(kc),
    };
  });
  afterAll(async () => {
    await target?.close();
  });
  const ready = () => {
    if (!target || !clients) throw new Error('contract target not open (use inside tests)');
    return { target, clients };
  };
  return {
    get target() {
      return ready().target;
    },
    get kc() {
      return ready().clients.kc;
    },
    get core() {
      return ready().clients.core;
    },
    get apps() {
      return ready().clients.apps;
    },
    get batch() {
      return ready().clients.batch;
    },
    get custom() {
      return ready().clients.custom;
    },
    get extensions() {
      return ready().clients.extensions;
    },
    get objects() {
      return ready().clients.objects;
    },
    async namespace(prefix = 'kc') {
      const { target: t, clients: c } = ready();
      const name = uniqueName(prefix);
      await c.core.createNamespace({
        body: { metadata: { name, labels: { [SUITE_LABEL]: 'kube-contract' } } },
      });
      t.onClose(() => c.core.deleteNamespace({ name }));
      return name;
    },
  };
}

/** Six random lower-case hex characters. */
export function randomSuffix(): string {
  return randomBytes(3).toString('hex');
}

/** A DNS-label-safe name that no earlier run can have used. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomSuffix()}`;
}

/** The Status object of an API error, as kube-api.md §6 describes it. */
export interface StatusFailure {
  kind?: string;
  apiVersion?: string;
  status?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { reason?: string; field?: string; message?: string }[];
  };
}

export interface Failure {
  code: number;
  /** The reply's Content-Type header. */
  contentType: string | undefined;
  /** The parsed Status body (client-node drops the body of 401 replies). */
  status: StatusFailure | undefined;
}

/** Awaits a call that must fail with an ApiException and returns its code and Status body. */
export async function failure(call: Promise<unknown>): Promise<Failure> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const exception = error as ApiException<unknown>;
    const body = exception.body;
    return {
      code: exception.code,
      contentType: (exception.headers as Record<string, string | undefined>)['content-type'],
      status: typeof body === 'string' && body ? (JSON.parse(body) as StatusFailure) : undefined,
    };
  }
  throw new Error('expected the call to fail with an ApiException');
}

/** `field` of every cause in a Status. */
export function causeFields(failed: Failure): string[] {
  return (failed.status?.details?.causes ?? []).map((c) => c.field ?? '');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns something other than undefined/false, or throws after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await sleep(50);
  }
}

export interface WatchEvent {
  type: string;
  object: Obj & { code?: number; reason?: string };
}

/** A client-node watch whose events are kept in arrival order for bounded, cursor-style reads. */
export class WatchRecorder {
  readonly events: WatchEvent[] = [];
  /** Set once the stream ended: null for a clean end, else the error client-node reported. */
  end: { error: unknown } | undefined;
  private cursor = 0;
  private controller: AbortController | undefined;

  /** Starts the watch; resolves once the response headers arrived (client-node awaits them). */
  static async open(
    kc: KubeConfig,
    path: string,
    query: Record<string, string> = {},
  ): Promise<WatchRecorder> {
    const recorder = new WatchRecorder();
    recorder.controller = await new Watch(kc).watch(
      path,
      query,
      (type, object) => recorder.events.push({ type, object: object as WatchEvent['object'] }),
      (error) => (recorder.end = { error }),
    );
    return recorder;
  }

  /** The next event not yet taken (BOOKMARKs skipped); throws on timeout or end of stream. */
  async next(what = 'a watch event', timeoutMs = WAIT_MS): Promise<WatchEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.cursor < this.events.length) {
        const event = this.events[this.cursor++] as WatchEvent;
        if (event.type !== 'BOOKMARK') return event;
      }
      if (this.end) throw new Error(`watch ended while waiting for ${what}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(10);
    }
  }

  /** The next `n` events. */
  async take(n: number, what = `${n} watch events`): Promise<WatchEvent[]> {
    const out: WatchEvent[] = [];
    while (out.length < n) out.push(await this.next(what));
    return out;
  }

  /** Resolves once the server ended the stream; throws after `timeoutMs`. */
  async ended(timeoutMs = WAIT_MS): Promise<{ error: unknown }> {
    return eventually(() => this.end, 'the end of the watch', timeoutMs);
  }

  stop(): void {
    this.controller?.abort();
  }
}

/** Name and type of an event, the shape most assertions compare. */
export function summary(event: WatchEvent): string {
  return `${event.type} ${event.object.metadata?.name ?? ''}`;
}

/** Opens a watch that is stopped when the current test finishes. */
export async function watch(
  kc: KubeConfig,
  path: string,
  query: Record<string, string> = {},
): Promise<WatchRecorder> {
  const recorder = await WatchRecorder.open(kc, path, query);
  onTestFinished(() => recorder.stop());
  return recorder;
}
