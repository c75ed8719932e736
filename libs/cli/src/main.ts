// Command dispatch for the `flotilla` binary.
import { kustomizeBuildCommand } from '@flotilla/kustomize';
import { runCommand, UsageError } from './run-command.js';

const USAGE = `Usage: flotilla <command> [args]

Commands:
  run [controller…] [flags]   run controllers in one process (all six by default); --help for flags
  kustomize build DIR         print the kustomize build of DIR, like kubectl kustomize DIR
  help                        show this text`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        await runCommand(rest);
        return 0;
      case 'kustomize':
        return kustomizeBuildCommand(rest, {
          stdout: (text) => void process.stdout.write(text),
          stderr: (text) => void process.stderr.write(text),
        });
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return 0;
      default:
        throw new UsageError(`unknown command '${command}'\n\n${USAGE}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`flotilla: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
