// Standalone entry: `npm run -s kube-api -- --port N [--kubeconfig FILE] [--kubelet] [--rbac]` runs
// the double in the foreground until SIGINT/SIGTERM. `--allow-anonymous` is for kubectl and flux:
// client-go sends no credentials to http:// servers, so without it they only ever get 401.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startKubeApi, type KubeApiServer } from './server.js';

export interface CliIo {
  log(line: string): void;
  /** Resolves when the process should stop (default: SIGINT or SIGTERM). */
  stopSignal?: Promise<void>;
}

const USAGE = `usage: kube-api [--port N] [--kubeconfig FILE] [--token TOKEN] [--allow-anonymous] [--kubelet] [--rbac] [--no-gc]`;

function signalled(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/** Runs the server until stopped; returns the exit code. */
export async function main(
  argv: string[],
  io: CliIo = { log: (line) => console.log(line) },
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '0' },
        kubeconfig: { type: 'string' },
        token: { type: 'string' },
        'allow-anonymous': { type: 'boolean', default: false },
        kubelet: { type: 'boolean', default: false },
        rbac: { type: 'boolean', default: false },
        'no-gc': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    io.log(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.log(USAGE);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.log(`invalid --port ${values.port}\n${USAGE}`);
    return 2;
  }
  const server: KubeApiServer = await startKubeApi({
    port,
    ...(values.token ? { token: values.token } : {}),
    allowAnonymous: values['allow-anonymous'],
    kubelet: values.kubelet,
    authorization: values.rbac ? 'RBAC' : 'AlwaysAllow',
    garbageCollection: !values['no-gc'],
  });
  if (values.kubeconfig) await server.writeKubeconfig(values.kubeconfig);
  io.log(`listening on ${server.url}`);
  await (io.stopSignal ?? signalled());
  await server.close();
  return 0;
}

// Run directly (node/tsx cli.ts): serve until a signal arrives.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
