import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUS_ENV_VARS, DEFAULT_BUS_CONFIG, loadBusConfigFromEnv, resolveBusConfig } from './config.js';
import { BusConfigError } from './errors.js';

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof BusConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a BusConfigError');
}

describe('bus configuration', () => {
  let dir: string;
  let readable: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flotilla-bus-config-'));
    readable = join(dir, 'file.pem');
    await writeFile(readable, 'x');
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('defaults everything', () => {
    expect(resolveBusConfig()).toEqual(DEFAULT_BUS_CONFIG);
    expect(loadBusConfigFromEnv({})).toEqual(DEFAULT_BUS_CONFIG);
  });

  it('reads every FLOTILLA_NATS_* variable', () => {
    const config = loadBusConfigFromEnv({
      FLOTILLA_NATS_URL: 'nats://a:4222, tls://b:4222',
      FLOTILLA_NATS_USER: 'svc',
      FLOTILLA_NATS_PASSWORD: ' pa ss ',
      FLOTILLA_NATS_TLS_CA_FILE: readable,
      FLOTILLA_NATS_TLS_CERT_FILE: readable,
      FLOTILLA_NATS_TLS_KEY_FILE: readable,
      FLOTILLA_NATS_CLIENT_NAME: 'source-controller',
      FLOTILLA_NATS_STREAM: 'FLUX',
      FLOTILLA_NATS_STREAM_MAX_AGE: '12h',
      FLOTILLA_NATS_STREAM_MAX_BYTES: '1Gi',
      FLOTILLA_NATS_STREAM_REPLICAS: '3',
      FLOTILLA_NATS_DUPLICATE_WINDOW: '5m',
      FLOTILLA_NATS_SUBJECT_PREFIX: 'flux.prod',
      FLOTILLA_NATS_PUBLISH_BUFFER_SIZE: '500',
      FLOTILLA_NATS_PUBLISH_TIMEOUT: '2s',
      FLOTILLA_NATS_MAX_DELIVER: '7',
      FLOTILLA_NATS_ACK_WAIT: '1m',
      FLOTILLA_NATS_RETRY_DELAY: '500ms',
      FLOTILLA_NATS_MAX_RETRY_DELAY: '30s',
      FLOTILLA_NATS_RECONNECT_WAIT: '100ms',
      FLOTILLA_NATS_MAX_RECONNECT_WAIT: '10s',
    });
    expect(config).toEqual({
      servers: ['nats://a:4222', 'tls://b:4222'],
      user: 'svc',
      password: ' pa ss ',
      tls: { caFile: readable, certFile: readable, keyFile: readable },
      clientName: 'source-controller',
      streamName: 'FLUX',
      streamMaxAgeMs: 43_200_000,
      streamMaxBytes: 2 ** 30,
      streamReplicas: 3,
      duplicateWindowMs: 300_000,
      subjectPrefix: 'flux.prod',
      publishBufferSize: 500,
      publishTimeoutMs: 2_000,
      maxDeliver: 7,
      ackWaitMs: 60_000,
      retryDelayMs: 500,
      maxRetryDelayMs: 30_000,
      reconnectWaitMs: 100,
      maxReconnectWaitMs: 10_000,
    });
  });

  it('documents a variable for every configuration field', () => {
    const fields = new Set(Object.values(BUS_ENV_VARS).map((field) => field.split('.')[0]));
    const configurable = ['user', 'password', 'token', 'nkeySeedFile', 'credsFile', 'tls', 'clientName'];
    for (const key of [...Object.keys(DEFAULT_BUS_CONFIG), ...configurable]) expect(fields).toContain(key);
  });

  it('requires TLS without files when FLOTILLA_NATS_TLS=true', () => {
    expect(loadBusConfigFromEnv({ FLOTILLA_NATS_TLS: 'true' }).tls).toEqual({});
    expect(loadBusConfigFromEnv({ FLOTILLA_NATS_TLS: 'false' }).tls).toBeUndefined();
  });

  it('reports every malformed variable at once, naming it', () => {
    const problems = problemsOf(() =>
      loadBusConfigFromEnv({
        FLOTILLA_NATS_STREAM_MAX_AGE: '1 day',
        FLOTILLA_NATS_STREAM_MAX_BYTES: 'big',
        FLOTILLA_NATS_MAX_DELIVER: 'five',
        FLOTILLA_NATS_TLS: 'yes',
        FLOTILLA_NATS_STREAM_REPLICAS: '9',
      }),
    );
    expect(problems).toEqual([
      "FLOTILLA_NATS_TLS='yes' is not true or false",
      "FLOTILLA_NATS_STREAM_MAX_AGE='1 day' is not a Go duration such as 30s, 5m or 24h",
      "FLOTILLA_NATS_STREAM_MAX_BYTES='big' is not a byte size such as 1048576, 512Mi or 1G",
      "FLOTILLA_NATS_MAX_DELIVER='five' is not a whole number",
      'streamReplicas must be an integer from 1 to 5 (got 9) (FLOTILLA_NATS_STREAM_REPLICAS)',
    ]);
  });

  it('rejects conflicting or incomplete authentication', () => {
    expect(problemsOf(() => resolveBusConfig({ user: 'u', password: 'p', token: 't' }))).toEqual([
      'choose one authentication method, not user/password and token',
    ]);
    expect(problemsOf(() => resolveBusConfig({ user: 'u' }))).toEqual([
      'user and password must be set together',
    ]);
    expect(problemsOf(() => resolveBusConfig({ token: '' }))).toEqual(['token must not be empty']);
    expect(problemsOf(() => resolveBusConfig({ nkeySeedFile: join(dir, 'missing.nk') }))).toEqual([
      `nkeySeedFile '${join(dir, 'missing.nk')}' is not a readable file`,
    ]);
    expect(
      problemsOf(() =>
        loadBusConfigFromEnv({ FLOTILLA_NATS_CREDS_FILE: readable, FLOTILLA_NATS_TOKEN: 't' }),
      ),
    ).toEqual(['choose one authentication method, not token and creds file']);
  });

  it('rejects inconsistent TLS, stream and delivery settings', () => {
    expect(
      problemsOf(() =>
        resolveBusConfig({
          servers: ['http://x'],
          tls: { certFile: readable },
          streamName: 'bad.name',
          duplicateWindowMs: 10_000,
          streamMaxAgeMs: 1_000,
          subjectPrefix: 'a.*',
          publishBufferSize: 0,
          retryDelayMs: 10,
          maxRetryDelayMs: 5,
        }),
      ),
    ).toEqual([
      "server 'http://x' is not a nats:// or tls:// URL",
      'tls.certFile and tls.keyFile must be set together',
      "streamName 'bad.name' may only contain letters, digits, '_' and '-'",
      'duplicateWindowMs must not exceed streamMaxAgeMs',
      "subject prefix 'a.*' must be dot-separated tokens of letters, digits, '_' or '-'",
      'publishBufferSize must be an integer >= 1 (got 0)',
      'maxRetryDelayMs must be >= retryDelayMs',
    ]);
    expect(problemsOf(() => resolveBusConfig({ servers: [] }))).toEqual([
      'at least one server URL is required',
    ]);
  });

  it('accepts host:port servers and credentials in URLs', () => {
    expect(
      resolveBusConfig({ servers: ['127.0.0.1:4222', 'nats://u:p@nats.flux-system.svc:4222'] }).servers,
    ).toHaveLength(2);
  });
});
