import type { ControllerDefinition } from '@flotilla/runtime';

/** The image-automation-controller: hosted with the shared runtime; reconcilers come with its issue. */
export const definition: ControllerDefinition = { name: 'image-automation-controller' };
