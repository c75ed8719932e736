// BusConfig → nats.js connection options. Key material is re-read from its files on every
// (re)connect so rotated credentials are picked up without a restart.
import { readFileSync } from 'node:fs';
import {
  credsAuthenticator,
  nkeyAuthenticator,
  nkeys,
  type Authenticator,
  type NodeConnectionOptions,
} from '@nats-io/transport-node';
import type { BusConfig } from './config.js';
import { BusConfigError, errorMessage } from './errors.js';

const utf8 = new TextEncoder();

function readSeed(path: string): Uint8Array {
  return utf8.encode(readFileSync(path, 'utf8').trim());
}

/** Fails early, with the file named, when the seed file does not hold an NKey user seed. */
function checkNkeySeed(path: string): void {
  try {
    const publicKey = nkeys.fromSeed(readSeed(path)).getPublicKey();
    if (!publicKey.startsWith('U'))
      throw new Error(`a user seed (SU...) is required, got a key for ${publicKey[0]}`);
  } catch (error) {
    throw new BusConfigError([
      `nkeySeedFile '${path}' does not hold a valid NKey user seed: ${errorMessage(error)}`,
    ]);
  }
}

function checkCreds(path: string): void {
  const text = readFileSync(path, 'utf8');
  if (!text.includes('BEGIN NATS USER JWT') || !text.includes('BEGIN USER NKEY SEED')) {
    throw new BusConfigError([`credsFile '${path}' is not a NATS .creds file (JWT and NKey seed blocks)`]);
  }
}

function authenticatorFor(config: BusConfig): Authenticator | undefined {
  if (config.nkeySeedFile) {
    const path = config.nkeySeedFile;
    checkNkeySeed(path);
    return nkeyAuthenticator(() => readSeed(path));
  }
  if (config.credsFile) {
    const path = config.credsFile;
    checkCreds(path);
    return credsAuthenticator(() => readFileSync(path));
  }
  return undefined;
}

/** Connection behaviour the bus relies on, independent of configuration. */
export interface ConnectionTuning {
  /** Milliseconds before the next reconnect attempt (called once per attempt). */
  reconnectDelay: () => number;
}

export function buildConnectionOptions(config: BusConfig, tuning: ConnectionTuning): NodeConnectionOptions {
  const options: NodeConnectionOptions = {
    servers: config.servers,
    name: config.clientName,
    // Reconnect forever: an outage must end in a reconnect, never in a dead client.
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectDelayHandler: tuning.reconnectDelay,
    // Credentials may be fixed (rotated) while we retry; never give up on auth errors.
    ignoreAuthErrorAbort: true,
    pingInterval: 20_000,
    maxPingOut: 3,
    timeout: 10_000,
  };
  if (config.user !== undefined) {
    options.user = config.user;
    options.pass = config.password;
  }
  if (config.token !== undefined) options.token = config.token;
  const authenticator = authenticatorFor(config);
  if (authenticator) options.authenticator = authenticator;
  if (config.tls) {
    const { caFile, certFile, keyFile } = config.tls;
    options.tls = {
      ...(caFile ? { caFile } : {}),
      ...(certFile ? { certFile } : {}),
      ...(keyFile ? { keyFile } : {}),
    };
  }
  return options;
}
