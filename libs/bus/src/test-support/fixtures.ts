// Message fixtures and capture helpers shared by the bus tests.
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { DeliveryInfo } from '../event-bus.js';
import type { ArtifactAnnouncement, BusMessage, FluxEvent } from '../messages.js';

export function fluxEvent(
  overrides: Partial<FluxEvent> & { name?: string; namespace?: string } = {},
): FluxEvent {
  const { name = 'podinfo', namespace = 'flux-system', ...rest } = overrides;
  return {
    involvedObject: {
      kind: 'Kustomization',
      namespace,
      name,
      uid: '5d3c6ee4-2f3c-4d5e-9a43-6f1f3b1c9e11',
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    },
    severity: 'info',
    timestamp: '2024-05-01T10:00:00Z',
    message: 'Reconciliation finished in 1.234s, next run in 10m0s',
    reason: 'ReconciliationSucceeded',
    metadata: {
      'kustomize.toolkit.fluxcd.io/revision': 'main@sha1:0123456789abcdef0123456789abcdef01234567',
    },
    reportingController: 'kustomize-controller',
    reportingInstance: 'kustomize-controller-7f9c8-abcde',
    ...rest,
  };
}

export function artifact(overrides: Partial<ArtifactAnnouncement> = {}): ArtifactAnnouncement {
  return {
    kind: 'GitRepository',
    namespace: 'flux-system',
    name: 'podinfo',
    revision: 'main@sha1:0123456789abcdef0123456789abcdef01234567',
    digest: 'sha256:' + 'ab'.repeat(32),
    storageKey: 'gitrepository/flux-system/podinfo/0123456789abcdef0123456789abcdef01234567.tar.gz',
    url: 'http://source-controller.flux-system.svc.cluster.local./gitrepository/flux-system/podinfo/0123.tar.gz',
    size: 1234,
    ...overrides,
  };
}

export interface Received<M extends BusMessage = BusMessage> {
  message: M;
  delivery: DeliveryInfo;
}

/** A handler that records what it receives. */
export function recorder<M extends BusMessage = BusMessage>() {
  const received: Received<M>[] = [];
  const handler = (message: M, delivery: DeliveryInfo) => {
    received.push({ message, delivery });
  };
  return { received, handler };
}

/** A pino logger whose JSON lines land in an array, for asserting log output. */
export function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

export const silentLogger: Logger = pino({ level: 'silent' });

/** The value of one labelled series of a metric, 0 when absent. */
export async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}) {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  const series = values.find((value) =>
    Object.entries(labels).every(([key, expected]) => String(value.labels[key]) === expected),
  );
  return series?.value ?? 0;
}
