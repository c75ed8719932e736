import { kustomizeControllerDefinition } from '@flotilla/kustomization';
import type { ControllerDefinition } from '@flotilla/runtime';

/** The kustomize-controller: its reconciler and settings live in @flotilla/kustomization. */
export const definition: ControllerDefinition = kustomizeControllerDefinition();
