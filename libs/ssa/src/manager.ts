// The server-side apply manager of the appliers (Flux's fluxcd/pkg/ssa): validates a whole set
// with server-side dry-runs before writing anything, applies it in stages, skips objects without
// drift, recreates objects on immutable-field errors when forced, deletes with ownership checks,
// and waits for objects to become healthy.
import {
  isNotFound,
  KubeStatusError,
  type ApiObject,
  type KubeClient,
  type ResourceType,
} from '@flotilla/runtime';
import { ChangeSet, type ChangeAction } from './change-set.js';
import { ApplyError, DeleteError, HealthCheckError, ValidationError } from './errors.js';
import { objectHealth, type HealthResult } from './health.js';
import { apiVersionOfRef, refOf, subjectOf, type ObjectRef } from './object-id.js';
import { Policies } from './policy.js';
import { kindPriority, STAGES, stagesOf, type Stage } from './staging.js';

export interface ResourceManagerOptions {
  /** Client to write with (possibly impersonating). */
  client: KubeClient;
  /** e.g. 'kustomize-controller'. */
  fieldManager: string;
  /** Prefix of policy labels/annotations, e.g. 'kustomize.toolkit.fluxcd.io'. */
  ownerGroup: string;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  /** Poll period of the waits (default 500 ms). */
  pollMs?: number;
}

export interface ApplyOptions {
  /** Recreate objects whose update fails on immutable fields. */
  force?: boolean;
  signal?: AbortSignal;
  /** How long CRDs/Namespaces/`*Class` objects may take to become ready (default 60 s). */
  stageTimeoutMs?: number;
}

export interface DeleteOptions {
  /** Labels the live object must carry (with these values) to be deleted. */
  ownerLabels: Record<string, string>;
  signal?: AbortSignal;
}

export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Custom health rule; undefined falls back to the built-in kstatus rules. */
  evaluate?: (obj: ApiObject) => HealthResult | undefined;
}

/** An object of the set after its dry-run. */
interface Planned {
  obj: ApiObject;
  ref: ObjectRef;
  resource?: ResourceType;
  live?: ApiObject;
  dryRun?: ApiObject;
  /** Delete and create again (immutable field + force). */
  recreate: boolean;
  skip: boolean;
  /** Validated later, in its own stage: its CRD or Namespace is part of the set. */
  deferred: boolean;
}

const IMMUTABLE = /field is immutable|may not change once set/i;

function errorText(error: unknown): string {
  if (error instanceof KubeStatusError) return error.body.message ?? error.message;
  return error instanceof Error ? error.message : String(error);
}

function reasonOf(error: unknown): string {
  return error instanceof KubeStatusError && error.reason ? error.reason : 'Error';
}

/** Object fields that differ only because the server wrote them. */
function comparable(obj: ApiObject | undefined): unknown {
  if (!obj) return undefined;
  const { metadata = {}, status: _status, ...rest } = obj;
  const { managedFields: _mf, resourceVersion: _rv, generation: _g, ...meta } = metadata;
  return { ...rest, metadata: meta };
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function hasDrifted(live: ApiObject | undefined, dryRun: ApiObject | undefined): boolean {
  return canonical(comparable(live)) !== canonical(comparable(dryRun));
}

async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export class ResourceManager {
  readonly policies: Policies;
  private readonly concurrency: number;
  private readonly pollMs: number;

  constructor(private readonly options: ResourceManagerOptions) {
    this.policies = new Policies(options.ownerGroup);
    this.concurrency = options.concurrency ?? 8;
    this.pollMs = options.pollMs ?? 500;
  }

  get client(): KubeClient {
    return this.options.client;
  }

  /**
   * Dry-runs every object (those waiting for a CRD or Namespace of the same set in their own
   * stage), throws ValidationError listing every failure before anything is written, then applies
   * stage by stage, waiting for definitions to be ready between stages.
   */
  async applyAllStaged(objects: readonly ApiObject[], options: ApplyOptions = {}): Promise<ChangeSet> {
    const changeSet = new ChangeSet();
    const stages = stagesOf(objects);
    const planned = new Map<Stage, Planned[]>();
    const problems: string[] = [];
    for (const stage of STAGES) {
      const objs = stages.get(stage) ?? [];
      const plans = await mapLimit(objs, this.concurrency, (obj) =>
        this.plan(obj, objects, options, problems),
      );
      planned.set(stage, plans);
    }
    if (problems.length > 0) throw new ValidationError(problems, changeSet);
    for (const stage of STAGES) {
      const plans = planned.get(stage) ?? [];
      await this.validateDeferred(plans, objects, options, changeSet);
      const applied = await mapLimit(plans, this.concurrency, (plan) =>
        this.applyPlanned(plan, options, changeSet),
      );
      for (const [index, action] of applied.entries()) changeSet.add((plans[index] as Planned).ref, action);
      if (stage !== 'resources') await this.waitForDefinitions(plans, options);
    }
    return changeSet;
  }

  private async validateDeferred(
    plans: Planned[],
    set: readonly ApiObject[],
    options: ApplyOptions,
    changeSet: ChangeSet,
  ): Promise<void> {
    const problems: string[] = [];
    for (const [index, plan] of plans.entries()) {
      if (!plan.deferred) continue;
      plans[index] = await this.plan(plan.obj, set, options, problems, true);
    }
    if (problems.length > 0) throw new ApplyError(problems.join('\n'), changeSet);
  }

  /** Resolves, reads and dry-runs one object; problems are collected, not thrown. */
  private async plan(
    obj: ApiObject,
    set: readonly ApiObject[],
    options: ApplyOptions,
    problems: string[],
    final = false,
  ): Promise<Planned> {
    const ref = refOf(obj);
    const planned: Planned = { obj, ref, recreate: false, skip: false, deferred: false };
    const subject = subjectOf(ref);
    try {
      planned.resource = await this.options.client.resolve(obj.apiVersion ?? '', obj.kind ?? '');
    } catch (error) {
      if (!final && isNotFound(error) && definedInSet(ref, set)) return { ...planned, deferred: true };
      problems.push(
        `${subject} dry-run failed: no matches for kind "${ref.kind}" in version "${apiVersionOfRef(ref)}"`,
      );
      return planned;
    }
    if (planned.resource.namespaced && !ref.namespace) {
      problems.push(`${subject} namespace not specified: the resource is namespaced`);
      return planned;
    }
    if (!planned.resource.namespaced && ref.namespace) planned.ref = { ...ref, namespace: '' };
    try {
      planned.live = await this.getLive(planned.resource, planned.ref);
      if (this.skipApply(planned)) return { ...planned, skip: true };
      planned.dryRun = await this.patchApply(planned, true, options.signal);
    } catch (error) {
      return this.onDryRunError(planned, error, { set, options, problems, final });
    }
    return planned;
  }

  private onDryRunError(
    planned: Planned,
    error: unknown,
    context: { set: readonly ApiObject[]; options: ApplyOptions; problems: string[]; final: boolean },
  ): Planned {
    const message = errorText(error);
    if (
      IMMUTABLE.test(message) &&
      (context.options.force || this.policies.forceEnabled(planned.obj, planned.live))
    )
      return { ...planned, recreate: true };
    if (!context.final && isNotFound(error) && namespaceInSet(planned.ref.namespace, context.set))
      return { ...planned, deferred: true };
    context.problems.push(`${subjectOf(planned.ref)} dry-run failed (${reasonOf(error)}): ${message}`);
    return planned;
  }

  private skipApply(planned: Planned): boolean {
    if (this.policies.reconcileDisabled(planned.obj, planned.live)) return true;
    const policy = this.policies.ssa(planned.obj);
    if (policy === 'ignore') return true;
    return policy === 'ifnotpresent' && planned.live !== undefined;
  }

  private async getLive(resource: ResourceType, ref: ObjectRef): Promise<ApiObject | undefined> {
    try {
      return await this.options.client.get(resource, ref.namespace || undefined, ref.name);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private patchApply(planned: Planned, dryRun: boolean, signal?: AbortSignal): Promise<ApiObject> {
    return this.options.client.patch(
      planned.resource as ResourceType,
      { namespace: planned.ref.namespace || undefined, name: planned.ref.name },
      planned.obj,
      { type: 'apply', force: true, fieldManager: this.options.fieldManager, dryRun, signal },
    );
  }

  private async applyPlanned(
    planned: Planned,
    options: ApplyOptions,
    changeSet: ChangeSet,
  ): Promise<ChangeAction> {
    if (planned.skip) return 'skipped';
    const subject = subjectOf(planned.ref);
    try {
      if (planned.recreate) {
        await this.deleteAndWait(planned, options.signal);
        await this.patchApply(planned, false, options.signal);
        return 'created';
      }
      if (planned.live && !hasDrifted(planned.live, planned.dryRun)) return 'unchanged';
      await this.patchApply(planned, false, options.signal);
      return planned.live ? 'configured' : 'created';
    } catch (error) {
      throw new ApplyError(`${subject} apply failed (${reasonOf(error)}): ${errorText(error)}`, changeSet, {
        cause: error,
      });
    }
  }

  private async deleteAndWait(planned: Planned, signal?: AbortSignal): Promise<void> {
    const resource = planned.resource as ResourceType;
    const target = { namespace: planned.ref.namespace || undefined, name: planned.ref.name };
    try {
      await this.options.client.delete(resource, target, { propagationPolicy: 'Background', signal });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    for (let waited = 0; waited < 60_000; waited += this.pollMs) {
      if (!(await this.getLive(resource, planned.ref))) return;
      await sleep(this.pollMs, signal);
    }
    throw new Error(`${subjectOf(planned.ref)} was not deleted within 60s`);
  }

  /** CRDs Established and Namespaces Active before the next stage uses them. */
  private async waitForDefinitions(plans: Planned[], options: ApplyOptions): Promise<void> {
    const refs = plans.filter((p) => !p.skip).map((p) => p.ref);
    if (refs.length === 0) return;
    await this.waitForHealth(refs, { timeoutMs: options.stageTimeoutMs ?? 60_000, signal: options.signal });
  }

  /**
   * Deletes objects (reverse apply order, background propagation) that still carry the owner
   * labels and are not marked `prune: disabled`, `reconcile: disabled` or `ssa: Ignore`; those
   * are reported `skipped`. Missing objects are skipped silently. Throws DeleteError listing
   * failures after trying all.
   */
  async deleteAll(refs: readonly ObjectRef[], options: DeleteOptions): Promise<ChangeSet> {
    const changeSet = new ChangeSet();
    const problems: string[] = [];
    const ordered = [...refs].sort((a, b) => kindPriority(b.kind) - kindPriority(a.kind));
    const actions = await mapLimit(ordered, this.concurrency, async (ref) => {
      try {
        return await this.deleteOne(ref, options);
      } catch (error) {
        problems.push(`${subjectOf(ref)} delete failed (${reasonOf(error)}): ${errorText(error)}`);
        return undefined;
      }
    });
    for (const [index, action] of actions.entries())
      if (action) changeSet.add(ordered[index] as ObjectRef, action);
    if (problems.length > 0) throw new DeleteError(problems, changeSet);
    return changeSet;
  }

  private async deleteOne(ref: ObjectRef, options: DeleteOptions): Promise<ChangeAction | undefined> {
    let resource: ResourceType;
    try {
      resource = await this.options.client.resolve(apiVersionOfRef(ref), ref.kind);
    } catch (error) {
      // The kind is no longer served, so no object of it exists.
      if (isNotFound(error)) return undefined;
      throw error;
    }
    const live = await this.getLive(resource, ref);
    if (!live) return undefined;
    const labels = live.metadata?.labels ?? {};
    const owned = Object.entries(options.ownerLabels).every(([k, v]) => labels[k] === v);
    const policy = this.policies;
    if (
      !owned ||
      policy.pruneDisabled(live) ||
      policy.reconcileDisabled(live) ||
      policy.ssa(live) === 'ignore'
    )
      return 'skipped';
    try {
      await this.options.client.delete(
        resource,
        { namespace: ref.namespace || undefined, name: ref.name },
        { propagationPolicy: 'Background', signal: options.signal },
      );
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    return 'deleted';
  }

  /** Polls until none of the objects exists any more. */
  async waitForTermination(refs: readonly ObjectRef[], options: WaitOptions): Promise<void> {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      const remaining = await this.readAll(refs);
      const left = remaining.filter((r) => r.live !== undefined);
      if (left.length === 0) return;
      if (Date.now() >= deadline)
        throw new HealthCheckError(
          `timeout waiting for termination of: ${left.map((r) => subjectOf(r.ref)).join(', ')}`,
          true,
          new ChangeSet(),
        );
      await sleep(this.pollMs, options.signal);
    }
  }

  private async readAll(
    refs: readonly ObjectRef[],
  ): Promise<{ ref: ObjectRef; live: ApiObject | undefined }[]> {
    return mapLimit(refs, this.concurrency, async (ref) => {
      try {
        const resource = await this.options.client.resolve(apiVersionOfRef(ref), ref.kind);
        return { ref, live: await this.getLive(resource, ref) };
      } catch (error) {
        if (isNotFound(error)) return { ref, live: undefined };
        throw error;
      }
    });
  }

  /**
   * Polls until every object is Current; ends early (HealthCheckError) once every object is
   * Current or Failed with at least one Failed, or at the deadline. Rejects with the signal's
   * reason when aborted.
   */
  async waitForHealth(refs: readonly ObjectRef[], options: WaitOptions): Promise<void> {
    const deadline = Date.now() + options.timeoutMs;
    // Fresh objects usually settle within moments: poll quickly at first, then every pollMs.
    for (let attempt = 0; ; attempt++) {
      const results = (await this.readAll(refs)).map(({ ref, live }) => ({
        ref,
        health: (live && options.evaluate?.(live)) ?? objectHealth(live),
      }));
      const pending = results.filter((r) => r.health.status !== 'Current');
      if (pending.length === 0) return;
      const settled = pending.every((r) => r.health.status === 'Failed');
      if (settled || Date.now() >= deadline) {
        const lines = pending.map(
          (r) => `${subjectOf(r.ref)} status: '${r.health.status}': ${r.health.message}`,
        );
        const what = settled ? 'health check failed' : 'timeout waiting for';
        throw new HealthCheckError(`${what}: [${lines.join(', ')}]`, !settled, new ChangeSet());
      }
      await sleep(Math.min(this.pollMs, 50 * 2 ** attempt), options.signal);
    }
  }
}

function definedInSet(ref: ObjectRef, set: readonly ApiObject[]): boolean {
  return set.some((o) => {
    if (o.kind !== 'CustomResourceDefinition') return false;
    const spec = (o.spec ?? {}) as { group?: string; names?: { kind?: string } };
    return spec.group === ref.group && spec.names?.kind === ref.kind;
  });
}

function namespaceInSet(namespace: string, set: readonly ApiObject[]): boolean {
  return namespace !== '' && set.some((o) => o.kind === 'Namespace' && o.metadata?.name === namespace);
}
