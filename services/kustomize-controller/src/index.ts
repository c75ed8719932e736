import type { ControllerDefinition } from '@flotilla/runtime';

/** The kustomize-controller: hosted with the shared runtime; reconcilers come with its issue. */
export const definition: ControllerDefinition = { name: 'kustomize-controller' };
