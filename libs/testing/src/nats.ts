// nats-server with JetStream on a free loopback port, for bus tests and `npm run testenv`.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  LOOPBACK,
  awaitServerStart,
  freePort,
  makeTempDir,
  removeDir,
  requireBinary,
  startProcess,
  type ManagedProcess,
} from './process.js';

export interface NatsServerOptions {
  /** Require this user/password. */
  user?: string;
  password?: string;
  /** Require this token (exclusive with user/password). */
  token?: string;
  /** Require NKey authentication with one of these user public keys (`U...`; exclusive with the above). */
  nkeys?: string[];
  /** JetStream max file storage, e.g. '1G'. */
  maxFileStore?: string;
}

export interface RunningNatsServer {
  /** nats://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  readonly storeDir: string;
  /** Stops the process; JetStream data stays so start() resumes it. */
  kill(): Promise<void>;
  /** Starts the process again on the same port and store. */
  start(): Promise<void>;
  /** kill() then start(): a server restart as clients see it. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  summary(): string;
}

function natsConfig(port: number, storeDir: string, options: NatsServerOptions): string {
  const lines = [
    `listen: "${LOOPBACK}:${port}"`,
    `jetstream { store_dir: "${storeDir}", max_file_store: ${options.maxFileStore ?? '1G'}, max_memory_store: 256M }`,
  ];
  if (options.user) {
    lines.push(`authorization { user: "${options.user}", password: "${options.password ?? ''}" }`);
  } else if (options.token) {
    lines.push(`authorization { token: "${options.token}" }`);
  } else if (options.nkeys?.length) {
    const users = options.nkeys.map((nkey) => `{ nkey: "${nkey}" }`).join(', ');
    lines.push(`authorization { users: [ ${users} ] }`);
  }
  return lines.join('\n') + '\n';
}

export async function startNatsServer(options: NatsServerOptions = {}): Promise<RunningNatsServer> {
  const binary = requireBinary('nats-server', 'nats-server', ['/usr/sbin', '/usr/local/bin']);
  const dir = await makeTempDir('nats');
  const port = await freePort();
  const storeDir = join(dir, 'jetstream');
  const configPath = join(dir, 'nats.conf');
  await writeFile(configPath, natsConfig(port, storeDir, options));
  let proc: ManagedProcess | undefined;
  let stopped = false;

  const start = async () => {
    proc = startProcess(binary, ['-c', configPath]);
    await awaitServerStart('nats-server', proc, port);
  };
  const kill = async () => {
    await proc?.stop();
    proc = undefined;
  };
  await start();
  const auth = options.user
    ? ` user=${options.user} password=${options.password ?? ''}`
    : options.token
      ? ` token=${options.token}`
      : options.nkeys?.length
        ? ` nkeys=${options.nkeys.join(',')}`
        : '';
  return {
    url: `nats://${LOOPBACK}:${port}`,
    port,
    storeDir,
    kill,
    start,
    restart: async () => {
      await kill();
      await start();
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await kill();
      await removeDir(dir);
    },
    summary: () => `nats        nats://${LOOPBACK}:${port}  (JetStream)${auth}`,
  };
}
