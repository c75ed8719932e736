// Idempotent provisioning of the JetStream stream and the durable consumers; run at start and
// after every reconnect, so a server that lost its state is repaired without a restart.
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiError,
  ReplayPolicy,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { BusConfig } from './config.js';
import { BusError, errorMessage } from './errors.js';
import { streamSubjects } from './subjects.js';

const STREAM_NOT_FOUND = 10059;
const CONSUMER_NOT_FOUND = 10014;

function hasApiCode(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}

/** A refusal by the server (bad config, limits, overlap) rather than a transient transport problem. */
export function isServerRefusal(error: unknown): boolean {
  return error instanceof JetStreamApiError || error instanceof BusError;
}

type StreamSettings = Pick<
  StreamConfig,
  'subjects' | 'max_age' | 'max_bytes' | 'num_replicas' | 'duplicate_window' | 'discard'
>;

export function desiredStreamSettings(config: BusConfig): StreamSettings {
  return {
    subjects: streamSubjects(config.subjectPrefix),
    max_age: nanos(config.streamMaxAgeMs),
    max_bytes: config.streamMaxBytes,
    num_replicas: config.streamReplicas,
    duplicate_window: nanos(config.duplicateWindowMs),
    discard: DiscardPolicy.Old,
  };
}

function differingSettings(actual: Partial<StreamConfig>, desired: StreamSettings): string[] {
  return (Object.keys(desired) as (keyof StreamSettings)[]).filter((key) => {
    if (key === 'subjects')
      return [...(actual.subjects ?? [])].sort().join() !== [...desired.subjects].sort().join();
    return actual[key] !== desired[key];
  });
}

/** Creates the stream, or updates the settings we own when they drifted. */
export async function ensureStream(
  jsm: JetStreamManager,
  config: BusConfig,
  logger: Logger,
): Promise<'created' | 'updated' | 'unchanged'> {
  const desired = desiredStreamSettings(config);
  const name = config.streamName;
  let actual: StreamConfig;
  try {
    actual = (await jsm.streams.info(name)).config;
  } catch (error) {
    if (!hasApiCode(error, STREAM_NOT_FOUND)) throw error;
    try {
      await jsm.streams.add({
        name,
        retention: RetentionPolicy.Limits,
        storage: StorageType.File,
        ...desired,
      });
      logger.info({ stream: name, subjects: desired.subjects }, 'created JetStream stream');
      return 'created';
    } catch (addError) {
      // Another instance may have created it between our info and add: fall through to compare.
      if (!(addError instanceof JetStreamApiError)) throw addError;
      const raced = await jsm.streams.info(name).catch(() => undefined);
      if (!raced) throw addError;
      actual = raced.config;
    }
  }
  const drifted = differingSettings(actual, desired);
  if (drifted.length === 0) return 'unchanged';
  await jsm.streams.update(name, desired);
  logger.info({ stream: name, changed: drifted }, 'updated JetStream stream settings');
  return 'updated';
}

export interface DurableSpec {
  stream: string;
  durable: string;
  filterSubject: string;
  maxDeliver: number;
  ackWaitMs: number;
  maxAckPending: number;
}

function desiredConsumer(spec: DurableSpec): Partial<ConsumerConfig> {
  return {
    durable_name: spec.durable,
    ack_policy: AckPolicy.Explicit,
    // A new durable starts with messages published from now on; an existing one keeps its position.
    deliver_policy: DeliverPolicy.New,
    replay_policy: ReplayPolicy.Instant,
    filter_subject: spec.filterSubject,
    max_deliver: spec.maxDeliver,
    ack_wait: nanos(spec.ackWaitMs),
    max_ack_pending: spec.maxAckPending,
  };
}

/** Creates the durable pull consumer or aligns its mutable settings; a different filter is a conflict. */
export async function ensureDurableConsumer(
  jsm: JetStreamManager,
  spec: DurableSpec,
  logger: Logger,
): Promise<void> {
  const desired = desiredConsumer(spec);
  let existing: Partial<ConsumerConfig>;
  try {
    existing = (await jsm.consumers.info(spec.stream, spec.durable)).config;
  } catch (error) {
    if (!hasApiCode(error, CONSUMER_NOT_FOUND)) throw error;
    await jsm.consumers.add(spec.stream, desired);
    logger.info({ durable: spec.durable, filter: spec.filterSubject }, 'created durable consumer');
    return;
  }
  if (existing.filter_subject !== spec.filterSubject) {
    throw new BusError(
      'DURABLE_CONFLICT',
      `durable '${spec.durable}' already exists with filter '${existing.filter_subject}', not '${spec.filterSubject}'`,
    );
  }
  const mutable = {
    max_deliver: desired.max_deliver,
    ack_wait: desired.ack_wait,
    max_ack_pending: desired.max_ack_pending,
  };
  const changed = (Object.keys(mutable) as (keyof typeof mutable)[]).filter(
    (key) => existing[key] !== mutable[key],
  );
  if (changed.length === 0) return;
  try {
    await jsm.consumers.update(spec.stream, spec.durable, mutable);
    logger.info({ durable: spec.durable, changed }, 'updated durable consumer settings');
  } catch (error) {
    // Keep consuming with the old settings rather than not at all.
    logger.warn(
      { durable: spec.durable, changed, err: errorMessage(error) },
      'could not update durable consumer settings',
    );
  }
}
