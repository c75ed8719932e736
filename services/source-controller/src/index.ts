import type { ControllerDefinition } from '@flotilla/runtime';

/** The source-controller: hosted with the shared runtime; reconcilers come with its issue. */
export const definition: ControllerDefinition = { name: 'source-controller' };
