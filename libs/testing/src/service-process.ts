// Runs a built controller service as a real child process, the way a container would, so
// tests can prove it starts, serves its endpoints and exits cleanly on SIGTERM.
import { LOOPBACK, freePort, startProcess, type ManagedProcess } from './process.js';

export interface ServiceProcessOptions {
  /** Path of the built entry point (dist/main.js). */
  entry: string;
  env?: NodeJS.ProcessEnv;
  args?: string[];
}

export interface RunningServiceProcess {
  readonly process: ManagedProcess;
  readonly healthUrl: string;
  readonly metricsUrl: string;
  /** Sends SIGTERM and resolves with the exit code. */
  terminate(): Promise<number | null>;
}

async function waitForHttp(url: string, proc: ManagedProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.child.exitCode !== null)
      throw new Error(`service exited with ${proc.child.exitCode}:\n${proc.output()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${url} not answering after ${timeoutMs} ms:\n${proc.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startServiceProcess(options: ServiceProcessOptions): Promise<RunningServiceProcess> {
  const [healthPort, metricsPort] = [await freePort(), await freePort()];
  const proc = startProcess(
    process.execPath,
    [
      '--openssl-legacy-provider',
      options.entry,
      `--health-addr=${LOOPBACK}:${healthPort}`,
      `--metrics-addr=${LOOPBACK}:${metricsPort}`,
      ...(options.args ?? []),
    ],
    { env: { ...process.env, ...options.env } },
  );
  const healthUrl = `http://${LOOPBACK}:${healthPort}`;
  try {
    await waitForHttp(`${healthUrl}/healthz`, proc, 20_000);
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return {
    process: proc,
    healthUrl,
    metricsUrl: `http://${LOOPBACK}:${metricsPort}`,
    terminate: async () => {
      const exited = new Promise<number | null>((resolve) => {
        if (proc.child.exitCode !== null) resolve(proc.child.exitCode);
        proc.child.once('exit', (code) => resolve(code));
      });
      proc.child.kill('SIGTERM');
      const code = await exited;
      await proc.stop();
      return code;
    },
  };
}
