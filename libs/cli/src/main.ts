// Command dispatch for the `flotilla` binary. `run` pulls in every controller, so it is loaded
// only when asked for: `flotilla kustomize build` starts in a fraction of the time.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kustomizeBuildCommand, type RemoteLoader } from '@flotilla/kustomize';

const USAGE = `Usage: flotilla <command> [args]

Commands:
  run [controller…] [flags]   run controllers in one process (all six by default); --help for flags
  kustomize build DIR         print the kustomize build of DIR, like kubectl kustomize DIR
  helm template [NAME] CHART  render a chart like helm template (flotilla helm template --help)
  conformance helm --corpus DIR --out FILE.jsonl
                              run a Helm conformance corpus; pass rates per file
  help                        show this text`;

const stdio = {
  stdout: (text: string) => void process.stdout.write(text),
  stderr: (text: string) => void process.stderr.write(text),
};

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return run(rest);
    case 'kustomize':
      return kustomize(rest);
    case 'helm':
      return (await import('./helm-template.js')).helmCommand(rest, stdio);
    case 'conformance':
      return (await import('./conformance-helm.js')).conformanceCommand(rest, stdio);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return 0;
    default:
      console.error(`flotilla: unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}

/**
 * `kustomize build`: remote bases are fetched with libs/git, as kubectl kustomize allows them by
 * default, into a temporary directory removed afterwards.
 */
async function kustomize(args: readonly string[]): Promise<number> {
  let remote: Promise<{ workDir: string; loader: RemoteLoader }> | undefined;
  // Loaded only when a remote base is met: most builds need neither git nor a scratch directory.
  const startRemote = async () => {
    const workDir = await mkdtemp(join(tmpdir(), 'flotilla-kustomize-'));
    const { gitRemoteLoader } = await import('@flotilla/kustomization');
    return { workDir, loader: gitRemoteLoader({ workDir }) };
  };
  const remoteLoader: RemoteLoader = async (target) => {
    remote ??= startRemote();
    return (await remote).loader(target);
  };
  try {
    return await kustomizeBuildCommand(args, stdio, {
      remoteLoader,
      // Loaded only for --enable-helm builds that have helmCharts.
      helmRenderer: async (request) => (await import('./kustomize-helm.js')).renderHelmChart(request),
    });
  } finally {
    const started = await remote?.catch(() => undefined);
    if (started) await rm(started.workDir, { recursive: true, force: true });
  }
}

async function run(args: readonly string[]): Promise<number> {
  const { runCommand, UsageError } = await import('./run-command.js');
  try {
    await runCommand(args);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`flotilla: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
