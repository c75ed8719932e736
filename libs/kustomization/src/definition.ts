// The kustomize-controller as a ControllerDefinition, so the service binary and `flotilla run`
// host the same thing.
import type { ControllerDefinition } from '@flotilla/runtime';
import { decryptSopsDocument } from '@flotilla/sops';
import { startKustomizeController } from './controller.js';

const NO_CROSS_NAMESPACE_REFS = 'FLOTILLA_NO_CROSS_NAMESPACE_REFS';
const DEFAULT_SERVICE_ACCOUNT = 'FLOTILLA_DEFAULT_SERVICE_ACCOUNT';
const NO_REMOTE_BASES = 'FLOTILLA_NO_REMOTE_BASES';

/**
 * Controller-specific settings (Flux's --no-cross-namespace-refs, --default-service-account,
 * --no-remote-bases).
 */
export function kustomizeSettings(env: NodeJS.ProcessEnv = process.env): {
  noCrossNamespaceRefs: boolean;
  defaultServiceAccount: string | undefined;
  noRemoteBases: boolean;
} {
  return {
    noCrossNamespaceRefs: env[NO_CROSS_NAMESPACE_REFS] === 'true',
    defaultServiceAccount: env[DEFAULT_SERVICE_ACCOUNT] || undefined,
    noRemoteBases: env[NO_REMOTE_BASES] === 'true',
  };
}

/** The kustomize-controller: the Kustomization reconciler with SOPS decryption. */
export function kustomizeControllerDefinition(env: NodeJS.ProcessEnv = process.env): ControllerDefinition {
  return {
    name: 'kustomize-controller',
    start: async (context) => {
      await startKustomizeController(context, { ...kustomizeSettings(env), decrypt: decryptSopsDocument });
    },
  };
}
