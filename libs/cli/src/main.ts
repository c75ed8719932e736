// Command dispatch for the `flotilla` binary.
import { runCommand, UsageError } from './run-command.js';

const USAGE = `Usage: flotilla <command> [args]

Commands:
  run [controller…] [flags]   run controllers in one process (all six by default); --help for flags
  help                        show this text`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        await runCommand(rest);
        return 0;
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
