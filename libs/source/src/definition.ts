// The source-controller as a ControllerDefinition, so the service binary and `flotilla run`
// host the same thing.
import type { ControllerDefinition } from '@flotilla/runtime';
import { startSourceController } from './controller.js';

/** The source-controller: the artifact server and the five source reconcilers. */
export function sourceControllerDefinition(): ControllerDefinition {
  return {
    name: 'source-controller',
    start: async (context) => {
      await startSourceController(context);
    },
  };
}
