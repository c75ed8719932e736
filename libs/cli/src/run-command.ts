// `flotilla run [controller…] [flags]`: every controller (or the named ones) in one process.
import { resolve } from 'node:path';
import { kustomizeControllerDefinition } from '@flotilla/kustomization';
import { sourceControllerDefinition } from '@flotilla/source';
import {
  CONTROLLER_NAMES,
  runControllers,
  type ControllerDefinition,
  type ControllerName,
} from '@flotilla/runtime';
import { startSandboxCluster } from './sandbox.js';

export class UsageError extends Error {
  readonly code = 'CLI_USAGE';
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

/** True when the user named a cluster; otherwise `run` brings up the sandbox cluster. */
export function clusterGiven(flags: readonly string[], env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.KUBECONFIG) || flags.some((flag) => flag.startsWith('--kubeconfig'));
}

// Controllers whose reconcilers exist; the others are hosted by name until their issues land.
const DEFINITIONS: Partial<Record<ControllerName, () => ControllerDefinition>> = {
  'source-controller': sourceControllerDefinition,
  'kustomize-controller': kustomizeControllerDefinition,
};

/** The definition `run` hosts for a controller name. */
export function definitionFor(name: ControllerName): ControllerDefinition {
  return DEFINITIONS[name]?.() ?? { name };
}

export async function runCommand(args: readonly string[]): Promise<void> {
  const { controllers, flags } = selectControllers(args);
  if (!args.includes('--help') && !clusterGiven(flags, process.env)) {
    const sandbox = await startSandboxCluster({ kubeconfigPath: resolve('.flotilla', 'kubeconfig') });
    // Controllers and kubectl both find the sandbox through KUBECONFIG.
    process.env.KUBECONFIG = sandbox.kubeconfigPath;
    console.error(
      `sandbox cluster at ${sandbox.server.url}; kubectl: export KUBECONFIG=${sandbox.kubeconfigPath}`,
    );
  }
  await runControllers(controllers.map(definitionFor), flags);
}
