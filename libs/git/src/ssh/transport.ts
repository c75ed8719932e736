// git over SSH for isomorphic-git, which only speaks smart HTTP. We hand isomorphic-git an HTTP
// plugin that maps its two requests onto one `git-upload-pack '<path>'` (or receive-pack) exec
// channel: GET …/info/refs reads the ref advertisement from the channel and answers it with the
// `# service=` preamble smart HTTP has; the following POST writes the request to the same, still
// open channel and streams the rest of the channel back. The connection checks the host key against
// known_hosts before any authentication.
import ssh2 from 'ssh2';
import type { Client as SshClient, ClientChannel, ConnectConfig, ServerHostKeyAlgorithm } from 'ssh2';
import type { GitHttpRequest, GitHttpResponse } from 'isomorphic-git';
import { GitAuthError, GitError, GitHostKeyError, GitUnreachableError, networkError } from '../errors.js';
import type { ClosableHttpClient } from '../http-client.js';
import type { SshGitUrl } from '../url.js';
import { fingerprint, hostKeyAlgorithms, keyTypeOf, knownHostKeys, knownHostsName } from './known-hosts.js';

export interface SshAuthOptions {
  /** PEM or OpenSSH private key. */
  identity: string;
  /** Passphrase of an encrypted identity. */
  passphrase?: string;
  /** known_hosts content; the server's key must be listed for its host (required, as in Flux). */
  knownHosts: string;
  timeoutMs?: number;
}

/** The URL isomorphic-git is given for an SSH remote; only its path suffixes matter to us. */
export const SSH_PLACEHOLDER_URL = 'http://ssh-transport.invalid/repo.git';

type Service = 'git-upload-pack' | 'git-receive-pack';

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function pktLine(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from((payload.length + 4).toString(16).padStart(4, '0')), payload]);
}

/** Buffers a channel's output so the advertisement and the response can be read in turn. */
class ChannelReader {
  private chunks: Buffer[] = [];
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  stderr = '';
  exitCode: number | null = null;

  constructor(readonly channel: ClientChannel) {
    channel.on('data', (chunk: Buffer) => this.push(chunk));
    channel.stderr.on(
      'data',
      (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-4000)),
    );
    channel.on('exit', (code: number | null) => (this.exitCode = code));
    channel.on('close', () => this.finish());
    channel.on('error', (error: Error) => this.finish(error));
  }

  private push(chunk: Buffer) {
    this.chunks.push(chunk);
    this.signal();
  }

  private finish(error?: Error) {
    this.ended = true;
    this.failure ??= error;
    this.signal();
  }

  private signal() {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private waitForData(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  private buffered(): Buffer {
    const all = Buffer.concat(this.chunks);
    this.chunks = [all];
    return all;
  }

  /** The pkt-lines up to and including the first flush-pkt. */
  async readAdvertisement(): Promise<Buffer> {
    for (;;) {
      const data = this.buffered();
      const end = advertisementEnd(data);
      if (end !== undefined) {
        this.chunks = [data.subarray(end)];
        return data.subarray(0, end);
      }
      if (this.ended) throw this.failure ?? new Error('channel closed before the ref advertisement ended');
      await this.waitForData();
    }
  }

  /** Everything the channel sends from now on, until it closes. */
  async *rest(): AsyncGenerator<Uint8Array> {
    for (;;) {
      while (this.chunks.length > 0) {
        const chunk = this.chunks.shift() as Buffer;
        if (chunk.length > 0) yield chunk;
      }
      if (this.ended) break;
      await this.waitForData();
    }
    if (this.failure) throw this.failure;
  }
}

/** Offset just past the flush-pkt ending a v1 ref advertisement; undefined while incomplete. */
function advertisementEnd(data: Buffer): number | undefined {
  let offset = 0;
  while (offset + 4 <= data.length) {
    const length = Number.parseInt(data.subarray(offset, offset + 4).toString('latin1'), 16);
    if (Number.isNaN(length))
      throw new GitError(
        'OperationFailed',
        `malformed pkt-line from ssh server: ${data.subarray(offset, offset + 40).toString()}`,
      );
    if (length === 0) return offset + 4;
    if (length < 4) {
      offset += 4;
      continue;
    }
    if (offset + length > data.length) return undefined;
    const payload = data.subarray(offset + 4, offset + length).toString('utf8');
    if (payload.startsWith('ERR '))
      throw new GitError('OperationFailed', `ssh server: ${payload.slice(4).trim()}`);
    offset += length;
  }
  return undefined;
}

function serviceOf(request: GitHttpRequest): { service: Service; advertisement: boolean } {
  const url = new URL(request.url);
  const fromQuery = url.searchParams.get('service');
  if (
    url.pathname.endsWith('/info/refs') &&
    (fromQuery === 'git-upload-pack' || fromQuery === 'git-receive-pack')
  ) {
    return { service: fromQuery, advertisement: true };
  }
  if (url.pathname.endsWith('/git-upload-pack')) return { service: 'git-upload-pack', advertisement: false };
  if (url.pathname.endsWith('/git-receive-pack'))
    return { service: 'git-receive-pack', advertisement: false };
  throw new GitError(
    'OperationFailed',
    `ssh transport cannot serve ${request.method ?? 'GET'} ${request.url}`,
  );
}

function commandFailure(reader: ChannelReader, target: string, error: unknown): GitError {
  if (error instanceof GitError) return error;
  const stderr = reader.stderr.trim();
  if (/does not appear to be a git repository|not found|No such file/i.test(stderr)) {
    return new GitError('RepositoryNotFound', `repository ${target} not found: ${stderr}`);
  }
  const detail = stderr || (error instanceof Error ? error.message : String(error));
  return new GitError(
    'OperationFailed',
    `git over ssh to ${target} failed (exit ${reader.exitCode ?? '?'}): ${detail}`,
  );
}

/** A wrong passphrase or a damaged key is an auth problem the user can fix; say so before connecting. */
function checkPrivateKey(options: SshAuthOptions, target: string): void {
  const parsed = ssh2.utils.parseKey(options.identity, options.passphrase);
  if (parsed instanceof Error) {
    throw new GitAuthError(`invalid SSH private key for ${target}: ${parsed.message}`);
  }
}

interface Connector {
  connect(): Promise<SshClient>;
  close(): void;
}

function connectionError(
  error: Error & { level?: string },
  target: string,
  hostKeyFailure: string | undefined,
): GitError {
  if (hostKeyFailure) return new GitHostKeyError('HostKeyMismatch', hostKeyFailure);
  if (error.level === 'client-authentication') {
    return new GitAuthError(`ssh authentication to ${target} failed: the server rejected the private key`);
  }
  if (error.level === 'client-timeout') {
    return new GitUnreachableError('Timeout', `ssh handshake with ${target} timed out`);
  }
  return (
    networkError(error, target) ??
    new GitError('OperationFailed', `ssh connection to ${target} failed: ${error.message}`)
  );
}

function createConnector(url: SshGitUrl, options: SshAuthOptions): Connector {
  const target = url.display;
  const hostName = knownHostsName(url.host, url.port);
  const known = knownHostKeys(options.knownHosts, url.host, url.port);
  let client: SshClient | undefined;
  let connecting: Promise<SshClient> | undefined;
  const connect = () => {
    connecting ??= new Promise<SshClient>((resolve, reject) => {
      if (known.filter((key) => !key.revoked).length === 0) {
        throw new GitHostKeyError(
          'UnknownHost',
          `ssh host ${hostName} is not in known_hosts: add its host key`,
        );
      }
      checkPrivateKey(options, target);
      let hostKeyFailure: string | undefined;
      const config: ConnectConfig = {
        host: url.host,
        port: url.port,
        username: url.user,
        privateKey: options.identity,
        passphrase: options.passphrase,
        readyTimeout: options.timeoutMs ?? 60_000,
        algorithms: { serverHostKey: hostKeyAlgorithms(known) as ServerHostKeyAlgorithm[] },
        hostVerifier: (key: Buffer) => {
          const match = known.find((entry) => entry.key.equals(key));
          if (match && !match.revoked) return true;
          hostKeyFailure = match?.revoked
            ? `ssh host key ${fingerprint(key)} of ${hostName} is marked @revoked in known_hosts`
            : `ssh host key mismatch for ${hostName}: server presented ${keyTypeOf(key)} ${fingerprint(key)}, which known_hosts does not list for this host`;
          return false;
        },
      };
      const connection = new ssh2.Client();
      connection.once('ready', () => {
        client = connection;
        resolve(connection);
      });
      connection.once('error', (error: Error & { level?: string }) =>
        reject(connectionError(error, target, hostKeyFailure)),
      );
      connection.connect(config);
    });
    return connecting;
  };
  return {
    connect,
    close() {
      client?.end();
      if (!client)
        void connecting?.then(
          (late) => late.end(),
          () => undefined,
        );
    },
  };
}

function exec(client: SshClient, command: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => (error ? reject(error) : resolve(channel)));
  });
}

/** An isomorphic-git HTTP plugin that runs the git services over SSH; use with SSH_PLACEHOLDER_URL. */
export function createSshHttpClient(url: SshGitUrl, options: SshAuthOptions): ClosableHttpClient {
  const connector = createConnector(url, options);
  const pending = new Map<Service, ChannelReader>();
  const target = url.display;

  async function open(service: Service): Promise<ChannelReader> {
    const client = await connector.connect();
    const channel = await exec(client, `${service} ${shellQuote(url.path)}`);
    return new ChannelReader(channel);
  }

  async function advertise(service: Service): Promise<GitHttpResponse> {
    pending.get(service)?.channel.close();
    const reader = await open(service);
    let advertisement: Buffer;
    try {
      advertisement = await reader.readAdvertisement();
    } catch (error) {
      reader.channel.close();
      throw commandFailure(reader, target, error);
    }
    pending.set(service, reader);
    const body = Buffer.concat([pktLine(`# service=${service}\n`), Buffer.from('0000'), advertisement]);
    return {
      url: SSH_PLACEHOLDER_URL,
      statusCode: 200,
      statusMessage: 'OK',
      headers: { 'content-type': `application/x-${service}-advertisement` },
      body: [body] as unknown as AsyncIterableIterator<Uint8Array>,
    };
  }

  async function exchange(service: Service, request: GitHttpRequest): Promise<GitHttpResponse> {
    let reader = pending.get(service);
    pending.delete(service);
    if (!reader) {
      // A pack request without a fresh advertisement: read and drop one, as stateless HTTP allows.
      reader = await open(service);
      await reader.readAdvertisement().catch((error: unknown) => {
        throw commandFailure(reader as ChannelReader, target, error);
      });
    }
    for await (const chunk of (request.body ?? []) as AsyncIterable<Uint8Array>) reader.channel.write(chunk);
    reader.channel.end();
    const active = reader;
    async function* body(): AsyncGenerator<Uint8Array> {
      try {
        yield* active.rest();
      } catch (error) {
        throw commandFailure(active, target, error);
      }
      if (active.exitCode !== null && active.exitCode !== 0) throw commandFailure(active, target, undefined);
    }
    return {
      url: SSH_PLACEHOLDER_URL,
      statusCode: 200,
      statusMessage: 'OK',
      headers: { 'content-type': `application/x-${service}-result` },
      body: body(),
    };
  }

  return {
    async request(request) {
      const { service, advertisement } = serviceOf(request);
      return advertisement ? advertise(service) : exchange(service, request);
    },
    close() {
      for (const reader of pending.values()) reader.channel.close();
      pending.clear();
      connector.close();
    },
  };
}
