// Prometheus metrics of the bus. Gauges move by inc/dec so several bus instances sharing one
// registry add up instead of overwriting each other.
import {
  Counter,
  Gauge,
  type CounterConfiguration,
  type GaugeConfiguration,
  type Registry,
} from 'prom-client';
import type { MessageKind } from './subjects.js';

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed';
export const CONNECTION_STATES: readonly ConnectionState[] = [
  'connecting',
  'connected',
  'reconnecting',
  'closed',
];

export type PublishResult = 'published' | 'duplicate' | 'buffered';
export type DropReason = 'buffer_full' | 'closed' | 'rejected';
/** What became of one delivery to a handler. */
export type DeliveryResult = 'acked' | 'retried' | 'gave_up' | 'failed' | 'invalid';

export interface BusMetrics {
  published(kind: MessageKind, result: PublishResult): void;
  dropped(kind: MessageKind, reason: DropReason): void;
  bufferChanged(delta: number): void;
  connectionStateChanged(from: ConnectionState | undefined, to: ConnectionState): void;
  reconnected(): void;
  delivered(kind: MessageKind, result: DeliveryResult): void;
}

/**
 * Creates metrics in `registry`, or reuses the ones another bus instance already registered there
 * (prom-client refuses a second metric of one name).
 */
function metricsIn(registry: Registry | undefined) {
  const registers = registry ? [registry] : [];
  const existing = <M>(name: string) => registry?.getSingleMetric(name) as M | undefined;
  return {
    counter: <L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> =>
      existing<Counter<L>>(config.name) ?? new Counter({ ...config, registers }),
    gauge: <L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> =>
      existing<Gauge<L>>(config.name) ?? new Gauge({ ...config, registers }),
  };
}

export function createBusMetrics(registry?: Registry): BusMetrics {
  const metrics = metricsIn(registry);
  const published = metrics.counter({
    name: 'flotilla_bus_published_total',
    help: 'Messages handed to the bus, by outcome: published (stored), duplicate (de-duplicated), buffered (held while NATS is unreachable)',
    labelNames: ['subject_kind', 'result'] as const,
  });
  const dropped = metrics.counter({
    name: 'flotilla_bus_dropped_total',
    help: 'Messages given up before reaching NATS: buffer_full (oldest evicted during an outage), closed (bus closed while buffered) or rejected (refused by JetStream, e.g. too large)',
    labelNames: ['subject_kind', 'reason'] as const,
  });
  const buffered = metrics.gauge({
    name: 'flotilla_bus_publish_buffer_messages',
    help: 'Messages waiting in the in-memory publish buffer',
  });
  const connection = metrics.gauge({
    name: 'flotilla_bus_connection_state',
    help: 'Bus connections in each state (connecting, connected, reconnecting, closed)',
    labelNames: ['state'] as const,
  });
  const reconnects = metrics.counter({
    name: 'flotilla_bus_reconnects_total',
    help: 'Reconnections to NATS after an outage',
  });
  const deliveries = metrics.counter({
    name: 'flotilla_bus_deliveries_total',
    help: 'Deliveries to subscription handlers: acked, retried (redelivery scheduled), gave_up (redeliveries exhausted), failed (live subscription handler threw), invalid (not a flotilla CloudEvent)',
    labelNames: ['subject_kind', 'result'] as const,
  });
  for (const state of CONNECTION_STATES) connection.inc({ state }, 0);
  return {
    published: (kind, result) => published.inc({ subject_kind: kind, result }),
    dropped: (kind, reason) => dropped.inc({ subject_kind: kind, reason }),
    bufferChanged: (delta) => (delta >= 0 ? buffered.inc(delta) : buffered.dec(-delta)),
    connectionStateChanged: (from, to) => {
      if (from) connection.dec({ state: from });
      connection.inc({ state: to });
    },
    reconnected: () => reconnects.inc(),
    delivered: (kind, result) => deliveries.inc({ subject_kind: kind, result }),
  };
}
