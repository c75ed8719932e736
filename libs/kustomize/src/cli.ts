// `kustomize build DIR [--root ROOT]`: prints the YAML stream; a one-line error and exit code 1
// on failure. Like `kubectl kustomize`, the CLI may read bases anywhere unless `--root` confines
// it (the controllers always pass the artifact directory as the root).
import path from 'node:path';
import { buildAsync, type BuildOptions } from './build.js';

export interface CommandIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const USAGE = 'usage: kustomize build DIR [--root ROOT] [--enable-helm]';

interface BuildArgs {
  readonly dir: string;
  readonly root: string;
  readonly enableHelm: boolean;
}

function parseArgs(args: readonly string[]): BuildArgs | undefined {
  const [command, ...rest] = args;
  if (command !== 'build') return undefined;
  let dir: string | undefined;
  let root = path.parse(process.cwd()).root;
  let enableHelm = false;
  for (let index = 0; index < rest.length; index += 1) {
    const arg = rest[index] as string;
    if (arg === '--enable-helm') {
      enableHelm = true;
    } else if (arg === '--root') {
      const value = rest[index + 1];
      if (value === undefined) return undefined;
      root = value;
      index += 1;
    } else if (dir === undefined && !arg.startsWith('-')) {
      dir = arg;
    } else {
      return undefined;
    }
  }
  return dir === undefined ? undefined : { dir, root, enableHelm };
}

/** Hooks a caller (libs/cli) can give the command: remote bases and Helm rendering. */
export type CommandHooks = Pick<BuildOptions, 'remoteLoader' | 'helmRenderer'>;

export async function kustomizeBuildCommand(
  args: readonly string[],
  io: CommandIO,
  hooks: CommandHooks = {},
): Promise<number> {
  const parsed = parseArgs(args);
  if (parsed === undefined) {
    io.stderr(`${USAGE}\n`);
    return 2;
  }
  try {
    // buildAsync: hooks (remote checkouts, chart rendering) may answer with a promise.
    const result = await buildAsync(parsed.dir, {
      ...hooks,
      root: parsed.root,
      enableHelm: parsed.enableHelm,
    });
    io.stdout(result.yaml);
    return 0;
  } catch (error) {
    io.stderr(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
