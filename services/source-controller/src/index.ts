import type { ControllerDefinition } from '@flotilla/runtime';
import { sourceControllerDefinition } from '@flotilla/source';

/** The source-controller: the artifact server and the five source reconcilers from @flotilla/source. */
export const definition: ControllerDefinition = sourceControllerDefinition();
