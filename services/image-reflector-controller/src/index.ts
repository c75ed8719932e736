import type { ControllerDefinition } from '@flotilla/runtime';

/** The image-reflector-controller: hosted with the shared runtime; reconcilers come with its issue. */
export const definition: ControllerDefinition = { name: 'image-reflector-controller' };
