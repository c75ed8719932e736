// `flotilla run [controller…] [flags]`: every controller (or the named ones) in one process.
import { CONTROLLER_NAMES, runControllers, type ControllerName } from '@flotilla/runtime';

export class UsageError extends Error {
  readonly code = 'FLOTILLA_USAGE';
}

/** Splits positional controller names from flags; no names means all six. */
export function selectControllers(args: readonly string[]): {
  controllers: ControllerName[];
  flags: string[];
} {
  const names = args.filter((arg) => !arg.startsWith('-'));
  const flags = args.filter((arg) => arg.startsWith('-'));
  const unknown = names.filter((name) => !(CONTROLLER_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown controller ${unknown.map((n) => `'${n}'`).join(', ')}; known: ${CONTROLLER_NAMES.join(', ')}`,
    );
  }
  return { controllers: names.length > 0 ? (names as ControllerName[]) : [...CONTROLLER_NAMES], flags };
}

export async function runCommand(args: readonly string[]): Promise<void> {
  const { controllers, flags } = selectControllers(args);
  await runControllers(
    controllers.map((name) => ({ name })),
    flags,
  );
}
