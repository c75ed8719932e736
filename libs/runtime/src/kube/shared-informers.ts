// One informer per (resource, namespace, selectors) per process, shared by every consumer, so
// several controllers reading the same kind (e.g. GitRepository from source and kustomize in
// `flotilla run`) hold one cache and one watch.
import type { Logger } from 'pino';
import type { KubeClient } from './client.js';
import { Informer, type InformerOptions, type InformerSelector } from './informer.js';
import { apiVersionOf, type ApiObject, type ResourceType } from './resource.js';

export const DEFAULT_RESYNC_PERIOD_MS = 10 * 60 * 60_000;

export interface SharedInformersOptions {
  client: KubeClient;
  logger?: Logger;
  /** Re-delivery of the caches (default 10 h, controller-runtime's SyncPeriod; 0 disables). */
  resyncPeriodMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

export class SharedInformers {
  private readonly informers = new Map<string, Informer>();

  constructor(private readonly options: SharedInformersOptions) {}

  /** The shared informer for this resource and selection (created, not started, on first request). */
  informerFor<T extends ApiObject = ApiObject>(
    resource: ResourceType,
    selector: InformerSelector = {},
  ): Informer<T> {
    const key = [
      apiVersionOf(resource),
      resource.plural,
      selector.namespace ?? '*',
      selector.labelSelector ?? '',
      selector.fieldSelector ?? '',
    ].join('|');
    let informer = this.informers.get(key);
    if (!informer) {
      const options: InformerOptions = {
        client: this.options.client,
        resource,
        ...selector,
        logger: this.options.logger?.child({ informer: resource.kind }),
        resyncPeriodMs: this.options.resyncPeriodMs ?? DEFAULT_RESYNC_PERIOD_MS,
        initialBackoffMs: this.options.initialBackoffMs,
        maxBackoffMs: this.options.maxBackoffMs,
      };
      informer = new Informer(options);
      this.informers.set(key, informer);
    }
    return informer as unknown as Informer<T>;
  }

  get size(): number {
    return this.informers.size;
  }

  /** True when every informer handed out has filled its cache. */
  get allSynced(): boolean {
    return [...this.informers.values()].every((informer) => informer.hasSynced);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.informers.values()].map((informer) => informer.stop()));
  }
}
