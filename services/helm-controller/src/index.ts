import type { ControllerDefinition } from '@flotilla/runtime';

/** The helm-controller: hosted with the shared runtime; reconcilers come with its issue. */
export const definition: ControllerDefinition = { name: 'helm-controller' };
