// Every Flux kind Flotilla serves, and lookups over them.
import { createKindRegistry, type KindRegistry, type KindVersion } from './kind-registry.js';
import type { KindSpec } from './kind-spec.js';
import { helmKinds } from './kinds/helm.js';
import { imageKinds } from './kinds/image.js';
import { kustomizeKinds } from './kinds/kustomize.js';
import { notificationKinds } from './kinds/notification.js';
import { sourceKinds } from './kinds/source.js';

/** All kinds, grouped by controller: sources, Kustomization, HelmRelease, image, notification. */
export const allKinds: readonly KindSpec[] = [
  ...sourceKinds,
  ...kustomizeKinds,
  ...helmKinds,
  ...imageKinds,
  ...notificationKinds,
];

export const kindRegistry: KindRegistry = createKindRegistry(allKinds);

export const findKind = (group: string, kind: string): KindSpec | undefined =>
  kindRegistry.byGroupKind(group, kind);

export const findKindVersion = (apiVersion: string, kind: string): KindVersion | undefined =>
  kindRegistry.byApiVersionKind(apiVersion, kind);

export const findKindByPlural = (group: string, plural: string): KindSpec | undefined =>
  kindRegistry.byPlural(group, plural);

/** The API groups served (each `*.toolkit.fluxcd.io`). */
export const apiGroups: readonly string[] = [...new Set(allKinds.map((k) => k.group))];
