import { nkeys, type Authenticator } from '@nats-io/transport-node';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveBusConfig } from './config.js';
import { buildConnectionOptions } from './connect-options.js';

const tuning = { reconnectDelay: () => 123 };
const utf8 = new TextEncoder();

function authenticate(authenticator: Authenticator | Authenticator[] | undefined, nonce: string) {
  if (typeof authenticator !== 'function') throw new Error('expected one authenticator');
  return authenticator(nonce) as { nkey?: string; sig?: string; jwt?: string };
}

function verify(publicKey: string, nonce: string, signature: string): boolean {
  return nkeys.fromPublic(publicKey).verify(utf8.encode(nonce), Buffer.from(signature, 'base64url'));
}

describe('connection options', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flotilla-bus-options-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('reconnects forever with the bus backoff and never gives up on auth errors', () => {
    const options = buildConnectionOptions(
      resolveBusConfig({ servers: ['nats://a:4222'], clientName: 'svc' }),
      tuning,
    );
    expect(options).toMatchObject({
      servers: ['nats://a:4222'],
      name: 'svc',
      reconnect: true,
      maxReconnectAttempts: -1,
      ignoreAuthErrorAbort: true,
    });
    expect(options.reconnectDelayHandler?.()).toBe(123);
    expect(options.user).toBeUndefined();
    expect(options.token).toBeUndefined();
    expect(options.tls).toBeUndefined();
  });

  it('passes user/password and token through', () => {
    expect(buildConnectionOptions(resolveBusConfig({ user: 'u', password: 'p' }), tuning)).toMatchObject({
      user: 'u',
      pass: 'p',
    });
    expect(buildConnectionOptions(resolveBusConfig({ token: 't' }), tuning).token).toBe('t');
  });

  it('signs the server nonce with the NKey seed, re-reading the file each time', async () => {
    const first = nkeys.createUser();
    const seedFile = join(dir, 'user.nk');
    await writeFile(seedFile, new TextDecoder().decode(first.getSeed()) + '\n');
    const options = buildConnectionOptions(resolveBusConfig({ nkeySeedFile: seedFile }), tuning);
    const auth = authenticate(options.authenticator, 'nonce-1');
    expect(auth.nkey).toBe(first.getPublicKey());
    expect(verify(first.getPublicKey(), 'nonce-1', auth.sig as string)).toBe(true);

    const rotated = nkeys.createUser();
    await writeFile(seedFile, rotated.getSeed());
    expect(authenticate(options.authenticator, 'nonce-2').nkey).toBe(rotated.getPublicKey());
  });

  it('refuses seed files that hold no user seed', async () => {
    const garbage = join(dir, 'garbage.nk');
    await writeFile(garbage, 'not a seed');
    expect(() => buildConnectionOptions(resolveBusConfig({ nkeySeedFile: garbage }), tuning)).toThrow(
      /does not hold a valid NKey user seed/,
    );
    const account = join(dir, 'account.nk');
    await writeFile(account, nkeys.createAccount().getSeed());
    expect(() => buildConnectionOptions(resolveBusConfig({ nkeySeedFile: account }), tuning)).toThrow(
      /user seed/,
    );
  });

  it('authenticates with the JWT and seed of a creds file', async () => {
    const user = nkeys.createUser();
    const credsFile = join(dir, 'user.creds');
    const seed = new TextDecoder().decode(user.getSeed());
    await writeFile(
      credsFile,
      [
        '-----BEGIN NATS USER JWT-----',
        'eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.e30.sig',
        '------END NATS USER JWT------',
        '',
        '-----BEGIN USER NKEY SEED-----',
        seed,
        '------END USER NKEY SEED------',
        '',
      ].join('\n'),
    );
    const options = buildConnectionOptions(resolveBusConfig({ credsFile }), tuning);
    const auth = authenticate(options.authenticator, 'nonce');
    expect(auth.jwt).toBe('eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.e30.sig');
    expect(verify(user.getPublicKey(), 'nonce', auth.sig as string)).toBe(true);

    const notCreds = join(dir, 'not.creds');
    await writeFile(notCreds, 'hello');
    expect(() => buildConnectionOptions(resolveBusConfig({ credsFile: notCreds }), tuning)).toThrow(
      /not a NATS .creds file/,
    );
  });

  it('requires TLS with the configured files', async () => {
    const pem = join(dir, 'x.pem');
    await writeFile(pem, 'pem');
    expect(buildConnectionOptions(resolveBusConfig({ tls: {} }), tuning).tls).toEqual({});
    expect(
      buildConnectionOptions(resolveBusConfig({ tls: { caFile: pem, certFile: pem, keyFile: pem } }), tuning)
        .tls,
    ).toEqual({ caFile: pem, certFile: pem, keyFile: pem });
  });
});
