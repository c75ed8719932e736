// Public entry of @flotilla/bus: the EventBus interface, its NATS JetStream and in-process
// implementations, the CloudEvents message kinds and the subject scheme (see README.md).
export type {
  BusOptions,
  DeliveryInfo,
  EventBus,
  MessageHandler,
  PublishOutcome,
  PublishStatus,
  ReconcileRequestInput,
  SubscribeOptions,
  Subscription,
} from './event-bus.js';
export { createNatsBus, type NatsBusOptions } from './nats-bus.js';
export { createInProcessBus, type InProcessBusOptions } from './in-process-bus.js';
export {
  apiGroupOf,
  CLOUDEVENTS_JSON,
  createArtifactAnnouncement,
  createReconcileEvent,
  createReconcileRequest,
  FLUX_KIND_GROUPS,
  MESSAGE_TYPES,
  validateMessage,
  type ArtifactAnnouncement,
  type ArtifactAnnouncementMessage,
  type BusMessage,
  type CloudEvent,
  type EnvelopeOptions,
  type FluxEvent,
  type MessageByKind,
  type ReconcileEventMessage,
  type ReconcileRequest,
  type ReconcileRequestMessage,
} from './messages.js';
export {
  DEFAULT_SUBJECT_PREFIX,
  decodeToken,
  encodeToken,
  filterSubject,
  KIND_SEGMENTS,
  parseSubject,
  subjectFor,
  subjectMatches,
  type EventKey,
  type MessageKind,
  type ObjectKey,
  type SubjectAddress,
  type SubscriptionFilter,
} from './subjects.js';
export {
  BUS_ENV_VARS,
  DEFAULT_BUS_CONFIG,
  loadBusConfigFromEnv,
  resolveBusConfig,
  type BusConfig,
  type BusConfigInput,
  type BusTlsConfig,
} from './config.js';
export { BusConfigError, BusError, type BusErrorCode } from './errors.js';
export type { ConnectionState } from './metrics.js';
