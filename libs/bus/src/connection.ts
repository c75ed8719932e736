// Keeps one NATS connection alive forever: connects with backoff (also when NATS is down at
// startup), lets nats.js reconnect after outages, starts over if the client ever gives up, and
// logs and exports every state change.
import {
  AuthorizationError,
  UserAuthenticationExpiredError,
  connect,
  type NatsConnection,
  type NodeConnectionOptions,
  type Status,
} from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { BusConfig } from './config.js';
import { buildConnectionOptions } from './connect-options.js';
import { errorMessage } from './errors.js';
import type { BusMetrics, ConnectionState } from './metrics.js';

export interface ConnectionListener {
  /** A new connection object is up (first connect, or a fresh connect after the old one closed). */
  connected(nc: NatsConnection): void;
  /** The same connection is back after an outage. */
  reconnected(nc: NatsConnection): void;
  disconnected(): void;
}

export type ConnectFn = (options: NodeConnectionOptions) => Promise<NatsConnection>;

export function isAuthError(error: unknown): boolean {
  if (error instanceof AuthorizationError || error instanceof UserAuthenticationExpiredError) return true;
  return /authorization violation|authentication/i.test(errorMessage(error));
}

/** Exponential backoff with ±20 % jitter so a fleet of clients does not reconnect in lockstep. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
  const raw = Math.min(baseMs * 2 ** Math.min(attempt, 30), maxMs);
  return Math.round(raw * (0.8 + Math.random() * 0.4));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

const DRAIN_TIMEOUT_MS = 5_000;

async function drainWithin(nc: NatsConnection, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    nc.drain().catch(() => undefined),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
  ]);
  clearTimeout(timer);
}

export class ConnectionManager {
  private state: ConnectionState = 'connecting';
  private current: NatsConnection | undefined;
  private closing = false;
  private reconnectAttempt = 0;
  private readonly stop = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly firstAttemptWaiters: ((error?: Error) => void)[] = [];
  private readonly options: NodeConnectionOptions;

  constructor(
    private readonly config: BusConfig,
    private readonly logger: Logger,
    private readonly metrics: BusMetrics,
    private readonly listener: ConnectionListener,
    private readonly connectFn: ConnectFn = connect,
  ) {
    this.options = buildConnectionOptions(config, {
      reconnectDelay: () =>
        backoffDelay(this.reconnectAttempt++, config.reconnectWaitMs, config.maxReconnectWaitMs),
    });
    metrics.connectionStateChanged(undefined, this.state);
  }

  start(): void {
    this.loop ??= this.run();
  }

  connectionState(): ConnectionState {
    return this.state;
  }

  connection(): NatsConnection | undefined {
    return this.current;
  }

  /**
   * Settles after the first connection attempt that either succeeds or is refused for
   * credentials; network failures keep it pending (the loop retries).
   */
  firstAttempt(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.firstAttemptWaiters.push((error) => (error ? reject(error) : resolve()));
    });
  }

  async close(): Promise<void> {
    if (this.closing) return this.loop;
    this.closing = true;
    this.stop.abort();
    const nc = this.current;
    if (nc && !nc.isClosed()) {
      // Drain flushes pending acks and publishes; during an outage there is nothing to flush to.
      if (this.state === 'connected') await drainWithin(nc, DRAIN_TIMEOUT_MS);
      if (!nc.isClosed()) await nc.close();
    }
    await this.loop;
    this.setState('closed');
  }

  private settleFirstAttempt(error?: Error): void {
    for (const settle of this.firstAttemptWaiters.splice(0)) settle(error);
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.closing) {
      let nc: NatsConnection;
      try {
        nc = await this.connectFn(this.options);
      } catch (error) {
        const delayMs = backoffDelay(attempt++, this.config.reconnectWaitMs, this.config.maxReconnectWaitMs);
        const fields = { servers: this.config.servers, err: errorMessage(error), retryInMs: delayMs };
        if (isAuthError(error)) {
          this.logger.error(fields, 'NATS refused the credentials; retrying');
          this.settleFirstAttempt(error as Error);
        } else {
          this.logger.warn(fields, 'cannot connect to NATS; retrying');
        }
        await sleep(delayMs, this.stop.signal);
        continue;
      }
      attempt = 0;
      await this.hold(nc);
    }
  }

  /** Runs one connection object until it closes. */
  private async hold(nc: NatsConnection): Promise<void> {
    if (this.closing) {
      await nc.close();
      return;
    }
    this.current = nc;
    this.reconnectAttempt = 0;
    this.setState('connected');
    this.logger.info({ server: nc.getServer() }, 'connected to NATS');
    void this.watch(nc);
    this.listener.connected(nc);
    this.settleFirstAttempt();
    const closedWith = await nc.closed();
    this.current = undefined;
    if (this.closing) return;
    this.logger.warn(
      { err: closedWith ? errorMessage(closedWith) : undefined },
      'NATS connection closed; connecting again',
    );
    this.setState('connecting');
    this.listener.disconnected();
  }

  private async watch(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) this.onStatus(nc, status);
  }

  private onStatus(nc: NatsConnection, status: Status): void {
    switch (status.type) {
      case 'disconnect':
        if (this.closing) return;
        this.setState('reconnecting');
        this.logger.warn({ server: status.server }, 'disconnected from NATS; reconnecting');
        this.listener.disconnected();
        return;
      case 'reconnect':
        this.reconnectAttempt = 0;
        this.setState('connected');
        this.metrics.reconnected();
        this.logger.info({ server: status.server }, 'reconnected to NATS');
        this.listener.reconnected(nc);
        return;
      case 'ldm':
        this.logger.warn({ server: status.server }, 'NATS server entered lame duck mode');
        return;
      case 'error':
        this.logger.error({ err: errorMessage(status.error) }, 'NATS reported an error');
        return;
      case 'staleConnection':
        this.logger.warn('NATS connection is stale; reconnecting');
        return;
      case 'slowConsumer':
        this.logger.warn({ subject: status.sub.getSubject(), pending: status.pending }, 'slow NATS consumer');
        return;
      default:
        this.logger.debug({ status: status.type }, 'NATS status');
    }
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.metrics.connectionStateChanged(this.state, state);
    this.state = state;
  }
}
