// Starts a reconciler inside a controller host: the context's Kubernetes client, shared
// informers, bus, metrics and flags; readiness until the cache is filled; and a shutdown step
// that drains in-flight reconciles (SIGTERM) before the bus and the store close.
import type { ControllerContext } from '../controller-host.js';
import type { ApiObject } from '../kube/resource.js';
import { Controller, type ControllerOptions, type ControllerSettings } from './controller.js';
import type { ReconcilerDefinition } from './definition.js';

export type StartReconcilerOptions<T extends ApiObject> = Pick<
  ControllerOptions<T>,
  'clock' | 'random' | 'reconcileRequests' | 'onReconciled' | 'reportingInstance'
> & { settings?: Partial<ControllerSettings> };

export async function startReconciler<T extends ApiObject>(
  context: ControllerContext,
  definition: ReconcilerDefinition<T>,
  options: StartReconcilerOptions<T> = {},
): Promise<Controller<T>> {
  const controller = new Controller<T>({
    definition,
    kube: context.kube,
    informers: context.informers,
    logger: context.logger,
    registry: context.metrics,
    bus: context.bus,
    settings: { ...context.settings, ...options.settings },
    reportingInstance: options.reportingInstance ?? process.env.POD_NAME,
    clock: options.clock,
    random: options.random,
    reconcileRequests: options.reconcileRequests,
    onReconciled: options.onReconciled,
  });
  const kind = definition.resource.kind;
  context.health.addReadinessCheck(`${kind} reconciler`, () => {
    if (!controller.ready) throw new Error(`${kind} cache not synced`);
  });
  context.onShutdown(`${kind} reconciler`, async () => {
    await controller.stop();
  });
  await controller.start();
  return controller;
}
