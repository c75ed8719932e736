// Starting and stopping real server processes for tests: free loopback ports, temp dirs,
// readiness probes and teardown that never leaves a child behind.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const LOOPBACK = '127.0.0.1';

/** Thrown when a server binary is not installed; names the Debian package that provides it. */
export class MissingBinaryError extends Error {
  constructor(
    readonly binary: string,
    readonly debianPackage: string,
  ) {
    super(
      `${binary} not found on PATH: install the Debian package '${debianPackage}' (apt-get install -y ${debianPackage})`,
    );
    this.name = 'MissingBinaryError';
  }
}

/** Resolves a binary on PATH (or an absolute path) or fails at once naming its Debian package. */
export function requireBinary(binary: string, debianPackage: string, extraDirs: string[] = []): string {
  if (binary.startsWith('/')) {
    if (spawnSync('test', ['-x', binary]).status === 0) return binary;
    throw new MissingBinaryError(binary, debianPackage);
  }
  const path = [process.env.PATH ?? '', ...extraDirs].join(':');
  const found = spawnSync('sh', ['-c', `command -v ${binary}`], { env: { ...process.env, PATH: path } });
  const resolved = found.stdout.toString().trim();
  if (found.status !== 0 || !resolved) throw new MissingBinaryError(binary, debianPackage);
  return resolved;
}

/** Asks the kernel for a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `flotilla-${prefix}-`));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Resolves once something accepts TCP connections on the port, or rejects after the timeout. */
export async function waitForPort(port: number, timeoutMs = 15_000, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null)
      throw new Error(`process exited with code ${child.exitCode} before listening on ${port}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, LOOPBACK);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`nothing listening on ${LOOPBACK}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface ManagedProcess {
  readonly child: ChildProcess;
  /** Everything the process wrote, for error messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after the grace period; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ManagedProcess>();

// Children die with the test process even when a test forgets its teardown.
process.once('exit', () => {
  for (const managed of running) managed.child.kill('SIGKILL');
});

/** Spawns a server process we own, capturing its output. */
export function startProcess(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): ManagedProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let captured = '';
  const capture = (chunk: Buffer) => {
    captured = (captured + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', capture);
  child.stderr?.on('data', capture);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const managed: ManagedProcess = {
    child,
    output: () => captured,
    async stop(graceMs = 5_000) {
      running.delete(managed);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
    },
  };
  running.add(managed);
  return managed;
}

/**
 * Waits until a server we started listens on `port` and passes its own `ready` check; a failure
 * names the server and carries its output, since that is where the reason is.
 */
export async function awaitServerStart(
  name: string,
  proc: ManagedProcess,
  port: number,
  ready?: () => Promise<void>,
): Promise<void> {
  try {
    await waitForPort(port, 15_000, proc.child);
    await ready?.();
  } catch (error) {
    throw new Error(`${name} did not start: ${(error as Error).message}\n${proc.output()}`, { cause: error });
  }
}
