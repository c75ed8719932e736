// Bus configuration: defaults, validation with every problem reported at once, and loading from
// FLOTILLA_NATS_* environment variables (all listed in README.md).
import { accessSync, constants } from 'node:fs';
import { EnvReader, type Env } from '@flotilla/config';
import { BusConfigError } from './errors.js';
import { DEFAULT_SUBJECT_PREFIX, validateSubjectPrefix } from './subjects.js';

export interface BusTlsConfig {
  /** CA bundle (PEM) to verify the server with; the system roots when omitted. */
  caFile?: string;
  /** Client certificate (PEM) for mutual TLS; needs keyFile. */
  certFile?: string;
  keyFile?: string;
}

export interface BusConfig {
  /** `nats://host:port` or `tls://host:port` URLs (several for a cluster). */
  servers: string[];
  user?: string;
  password?: string;
  token?: string;
  /** File holding an NKey user seed (`SU...`). */
  nkeySeedFile?: string;
  /** A `.creds` file (JWT + NKey seed) for decentralised auth. */
  credsFile?: string;
  /** Present (even empty) = require TLS. */
  tls?: BusTlsConfig;
  /** Client name shown in server monitoring. */
  clientName?: string;
  streamName: string;
  streamMaxAgeMs: number;
  streamMaxBytes: number;
  streamReplicas: number;
  /** JetStream de-duplication window for `Nats-Msg-Id` (= CloudEvent id). */
  duplicateWindowMs: number;
  subjectPrefix: string;
  /** Messages held in memory while NATS is unreachable; the oldest is dropped beyond this. */
  publishBufferSize: number;
  /** How long publish() waits for a JetStream acknowledgement before reporting `buffered`. */
  publishTimeoutMs: number;
  /** Delivery attempts per message for durable subscriptions, then the message is given up. */
  maxDeliver: number;
  /** Unacknowledged messages are redelivered after this; in-flight handlers keep extending it. */
  ackWaitMs: number;
  /** First redelivery delay after a handler throws; doubles per attempt up to maxRetryDelayMs. */
  retryDelayMs: number;
  maxRetryDelayMs: number;
  /** First reconnect delay; doubles per failed attempt up to maxReconnectWaitMs, forever. */
  reconnectWaitMs: number;
  maxReconnectWaitMs: number;
}

export type BusConfigInput = Partial<BusConfig>;

export const DEFAULT_BUS_CONFIG: Readonly<BusConfig> = {
  servers: ['nats://127.0.0.1:4222'],
  streamName: 'FLOTILLA',
  streamMaxAgeMs: 24 * 3_600_000,
  streamMaxBytes: 256 * 2 ** 20,
  streamReplicas: 1,
  duplicateWindowMs: 2 * 60_000,
  subjectPrefix: DEFAULT_SUBJECT_PREFIX,
  publishBufferSize: 10_000,
  publishTimeoutMs: 5_000,
  maxDeliver: 5,
  ackWaitMs: 30_000,
  retryDelayMs: 1_000,
  maxRetryDelayMs: 60_000,
  reconnectWaitMs: 250,
  maxReconnectWaitMs: 5_000,
};

const STREAM_NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
const SERVER_PATTERN = /^((nats|tls):\/\/)?([^\s/:@]+(:[^\s/@]*)?@)?[^\s/:]+(:\d+)?\/?$/;

type Problems = string[];

function checkPositiveInteger(problems: Problems, name: keyof BusConfig, value: number, min = 1): void {
  if (!Number.isSafeInteger(value) || value < min)
    problems.push(`${name} must be an integer >= ${min} (got ${value})`);
}

function checkPositiveNumber(problems: Problems, name: keyof BusConfig, value: number, min = 0): void {
  if (!Number.isFinite(value) || value < min)
    problems.push(`${name} must be a number >= ${min} (got ${value})`);
}

function checkReadable(problems: Problems, name: string, path: string | undefined): void {
  if (path === undefined) return;
  try {
    accessSync(path, constants.R_OK);
  } catch {
    problems.push(`${name} '${path}' is not a readable file`);
  }
}

function checkAuth(problems: Problems, config: BusConfig): void {
  const methods = [
    config.user !== undefined || config.password !== undefined ? 'user/password' : undefined,
    config.token !== undefined ? 'token' : undefined,
    config.nkeySeedFile !== undefined ? 'nkey seed' : undefined,
    config.credsFile !== undefined ? 'creds file' : undefined,
  ].filter((method) => method !== undefined);
  if (methods.length > 1) problems.push(`choose one authentication method, not ${methods.join(' and ')}`);
  if ((config.user === undefined) !== (config.password === undefined)) {
    problems.push('user and password must be set together');
  }
  if (config.token === '') problems.push('token must not be empty');
  checkReadable(problems, 'nkeySeedFile', config.nkeySeedFile);
  checkReadable(problems, 'credsFile', config.credsFile);
}

function checkTls(problems: Problems, tls: BusTlsConfig | undefined): void {
  if (!tls) return;
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) {
    problems.push('tls.certFile and tls.keyFile must be set together');
  }
  checkReadable(problems, 'tls.caFile', tls.caFile);
  checkReadable(problems, 'tls.certFile', tls.certFile);
  checkReadable(problems, 'tls.keyFile', tls.keyFile);
}

function checkStream(problems: Problems, config: BusConfig): void {
  if (!STREAM_NAME_PATTERN.test(config.streamName)) {
    problems.push(`streamName '${config.streamName}' may only contain letters, digits, '_' and '-'`);
  }
  checkPositiveNumber(problems, 'streamMaxAgeMs', config.streamMaxAgeMs, 1);
  checkPositiveInteger(problems, 'streamMaxBytes', config.streamMaxBytes);
  if (
    !Number.isSafeInteger(config.streamReplicas) ||
    config.streamReplicas < 1 ||
    config.streamReplicas > 5
  ) {
    problems.push(`streamReplicas must be an integer from 1 to 5 (got ${config.streamReplicas})`);
  }
  checkPositiveNumber(problems, 'duplicateWindowMs', config.duplicateWindowMs, 1);
  if (config.duplicateWindowMs > config.streamMaxAgeMs) {
    problems.push('duplicateWindowMs must not exceed streamMaxAgeMs');
  }
  try {
    validateSubjectPrefix(config.subjectPrefix);
  } catch (error) {
    problems.push((error as Error).message);
  }
}

function checkDelivery(problems: Problems, config: BusConfig): void {
  checkPositiveInteger(problems, 'publishBufferSize', config.publishBufferSize);
  checkPositiveNumber(problems, 'publishTimeoutMs', config.publishTimeoutMs, 1);
  checkPositiveInteger(problems, 'maxDeliver', config.maxDeliver);
  checkPositiveNumber(problems, 'ackWaitMs', config.ackWaitMs, 1);
  checkPositiveNumber(problems, 'retryDelayMs', config.retryDelayMs);
  checkPositiveNumber(problems, 'maxRetryDelayMs', config.maxRetryDelayMs);
  if (config.maxRetryDelayMs < config.retryDelayMs) problems.push('maxRetryDelayMs must be >= retryDelayMs');
  checkPositiveNumber(problems, 'reconnectWaitMs', config.reconnectWaitMs, 1);
  checkPositiveNumber(problems, 'maxReconnectWaitMs', config.maxReconnectWaitMs, 1);
  if (config.maxReconnectWaitMs < config.reconnectWaitMs) {
    problems.push('maxReconnectWaitMs must be >= reconnectWaitMs');
  }
}

/** Applies defaults and validates; throws BusConfigError listing every problem. */
export function resolveBusConfig(input: BusConfigInput = {}): BusConfig {
  const defined = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
  const config: BusConfig = { ...DEFAULT_BUS_CONFIG, ...defined };
  const problems: Problems = [];
  if (config.servers.length === 0) problems.push('at least one server URL is required');
  for (const server of config.servers) {
    if (!SERVER_PATTERN.test(server)) problems.push(`server '${server}' is not a nats:// or tls:// URL`);
  }
  checkAuth(problems, config);
  checkTls(problems, config.tls);
  checkStream(problems, config);
  checkDelivery(problems, config);
  if (problems.length > 0) throw new BusConfigError(problems);
  return config;
}

/**
 * The environment variables read by {@link loadBusConfigFromEnv}, with their BusConfig field. The
 * secrets (user, password, token) may instead be read from a file named in NAME_FILE.
 */
export const BUS_ENV_VARS = {
  FLOTILLA_NATS_URL: 'servers',
  FLOTILLA_NATS_USER: 'user',
  FLOTILLA_NATS_PASSWORD: 'password',
  FLOTILLA_NATS_TOKEN: 'token',
  FLOTILLA_NATS_NKEY_SEED_FILE: 'nkeySeedFile',
  FLOTILLA_NATS_CREDS_FILE: 'credsFile',
  FLOTILLA_NATS_TLS: 'tls',
  FLOTILLA_NATS_TLS_CA_FILE: 'tls.caFile',
  FLOTILLA_NATS_TLS_CERT_FILE: 'tls.certFile',
  FLOTILLA_NATS_TLS_KEY_FILE: 'tls.keyFile',
  FLOTILLA_NATS_CLIENT_NAME: 'clientName',
  FLOTILLA_NATS_STREAM: 'streamName',
  FLOTILLA_NATS_STREAM_MAX_AGE: 'streamMaxAgeMs',
  FLOTILLA_NATS_STREAM_MAX_BYTES: 'streamMaxBytes',
  FLOTILLA_NATS_STREAM_REPLICAS: 'streamReplicas',
  FLOTILLA_NATS_DUPLICATE_WINDOW: 'duplicateWindowMs',
  FLOTILLA_NATS_SUBJECT_PREFIX: 'subjectPrefix',
  FLOTILLA_NATS_PUBLISH_BUFFER_SIZE: 'publishBufferSize',
  FLOTILLA_NATS_PUBLISH_TIMEOUT: 'publishTimeoutMs',
  FLOTILLA_NATS_MAX_DELIVER: 'maxDeliver',
  FLOTILLA_NATS_ACK_WAIT: 'ackWaitMs',
  FLOTILLA_NATS_RETRY_DELAY: 'retryDelayMs',
  FLOTILLA_NATS_MAX_RETRY_DELAY: 'maxRetryDelayMs',
  FLOTILLA_NATS_RECONNECT_WAIT: 'reconnectWaitMs',
  FLOTILLA_NATS_MAX_RECONNECT_WAIT: 'maxReconnectWaitMs',
} as const;

type BusEnvReader = EnvReader<keyof typeof BUS_ENV_VARS>;

function tlsFromEnv(reader: BusEnvReader): BusTlsConfig | undefined {
  const tls: BusTlsConfig = {
    caFile: reader.string('FLOTILLA_NATS_TLS_CA_FILE'),
    certFile: reader.string('FLOTILLA_NATS_TLS_CERT_FILE'),
    keyFile: reader.string('FLOTILLA_NATS_TLS_KEY_FILE'),
  };
  const anyFile = Object.values(tls).some((value) => value !== undefined);
  const required = reader.boolean('FLOTILLA_NATS_TLS');
  if (required === false && anyFile) {
    reader.problem('FLOTILLA_NATS_TLS=false contradicts the FLOTILLA_NATS_TLS_*_FILE settings');
  }
  if (!anyFile && required !== true) return undefined;
  return Object.fromEntries(Object.entries(tls).filter(([, value]) => value !== undefined));
}

/** Config problems name BusConfig fields; point env users at the variable that sets the field. */
function withEnvVarHint(problem: string): string {
  const fields = Object.entries(BUS_ENV_VARS).filter(([, field]) => problem.startsWith(field + ' '));
  return fields.length > 0 ? `${problem} (${fields.map(([name]) => name).join(', ')})` : problem;
}

/** Reads FLOTILLA_NATS_* variables; unset ones take the defaults. Throws BusConfigError. */
export function loadBusConfigFromEnv(env: Env = process.env): BusConfig {
  const reader: BusEnvReader = new EnvReader(env);
  const input: BusConfigInput = {
    servers: reader.list('FLOTILLA_NATS_URL'),
    user: reader.secret('FLOTILLA_NATS_USER'),
    password: reader.secret('FLOTILLA_NATS_PASSWORD'),
    token: reader.secret('FLOTILLA_NATS_TOKEN'),
    nkeySeedFile: reader.string('FLOTILLA_NATS_NKEY_SEED_FILE'),
    credsFile: reader.string('FLOTILLA_NATS_CREDS_FILE'),
    tls: tlsFromEnv(reader),
    clientName: reader.string('FLOTILLA_NATS_CLIENT_NAME'),
    streamName: reader.string('FLOTILLA_NATS_STREAM'),
    streamMaxAgeMs: reader.duration('FLOTILLA_NATS_STREAM_MAX_AGE'),
    streamMaxBytes: reader.byteSize('FLOTILLA_NATS_STREAM_MAX_BYTES'),
    streamReplicas: reader.integer('FLOTILLA_NATS_STREAM_REPLICAS'),
    duplicateWindowMs: reader.duration('FLOTILLA_NATS_DUPLICATE_WINDOW'),
    subjectPrefix: reader.string('FLOTILLA_NATS_SUBJECT_PREFIX'),
    publishBufferSize: reader.integer('FLOTILLA_NATS_PUBLISH_BUFFER_SIZE'),
    publishTimeoutMs: reader.duration('FLOTILLA_NATS_PUBLISH_TIMEOUT'),
    maxDeliver: reader.integer('FLOTILLA_NATS_MAX_DELIVER'),
    ackWaitMs: reader.duration('FLOTILLA_NATS_ACK_WAIT'),
    retryDelayMs: reader.duration('FLOTILLA_NATS_RETRY_DELAY'),
    maxRetryDelayMs: reader.duration('FLOTILLA_NATS_MAX_RETRY_DELAY'),
    reconnectWaitMs: reader.duration('FLOTILLA_NATS_RECONNECT_WAIT'),
    maxReconnectWaitMs: reader.duration('FLOTILLA_NATS_MAX_RECONNECT_WAIT'),
  };
  let resolved: BusConfig | undefined;
  let resolveProblems: readonly string[] = [];
  try {
    resolved = resolveBusConfig(input);
  } catch (error) {
    if (!(error instanceof BusConfigError)) throw error;
    resolveProblems = error.problems;
  }
  const problems = [...reader.problems, ...resolveProblems.map(withEnvVarHint)];
  if (problems.length > 0 || !resolved) throw new BusConfigError(problems);
  return resolved;
}
