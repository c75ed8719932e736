import { describe, expect, it } from 'vitest';
import { createKindRegistry, parseApiVersion, storageApiVersion, storageVersion } from './kind-registry.js';
import { gitRepositoryKind, sourceKinds } from './kinds/source.js';
import { kustomizeKinds } from './kinds/kustomize.js';
import {
  allKinds,
  apiGroups,
  findKind,
  findKindByPlural,
  findKindVersion,
  kindRegistry,
} from './registry.js';

describe('parseApiVersion', () => {
  it('splits group and version; the core group is empty', () => {
    expect(parseApiVersion('source.toolkit.fluxcd.io/v1beta2')).toEqual({
      group: 'source.toolkit.fluxcd.io',
      version: 'v1beta2',
    });
    expect(parseApiVersion('v1')).toEqual({ group: '', version: 'v1' });
  });
});

describe('registry of all kinds', () => {
  it('serves every kind and version of the spec README table', () => {
    const served = allKinds.flatMap((k) => k.versions.map((v) => `${k.kind} ${k.group}/${v.name}`));
    expect(served).toEqual(
      expect.arrayContaining([
        'GitRepository source.toolkit.fluxcd.io/v1',
        'GitRepository source.toolkit.fluxcd.io/v1beta2',
        'GitRepository source.toolkit.fluxcd.io/v1beta1',
        'OCIRepository source.toolkit.fluxcd.io/v1',
        'OCIRepository source.toolkit.fluxcd.io/v1beta2',
        'HelmRepository source.toolkit.fluxcd.io/v1',
        'HelmRepository source.toolkit.fluxcd.io/v1beta2',
        'HelmRepository source.toolkit.fluxcd.io/v1beta1',
        'HelmChart source.toolkit.fluxcd.io/v1',
        'HelmChart source.toolkit.fluxcd.io/v1beta2',
        'HelmChart source.toolkit.fluxcd.io/v1beta1',
        'Bucket source.toolkit.fluxcd.io/v1',
        'Bucket source.toolkit.fluxcd.io/v1beta2',
        'Bucket source.toolkit.fluxcd.io/v1beta1',
        'ExternalArtifact source.toolkit.fluxcd.io/v1',
        'Kustomization kustomize.toolkit.fluxcd.io/v1',
        'Kustomization kustomize.toolkit.fluxcd.io/v1beta2',
        'Kustomization kustomize.toolkit.fluxcd.io/v1beta1',
        'HelmRelease helm.toolkit.fluxcd.io/v2',
        'HelmRelease helm.toolkit.fluxcd.io/v2beta2',
        'HelmRelease helm.toolkit.fluxcd.io/v2beta1',
      ]),
    );
    expect(apiGroups).toEqual([
      'source.toolkit.fluxcd.io',
      'kustomize.toolkit.fluxcd.io',
      'helm.toolkit.fluxcd.io',
      'image.toolkit.fluxcd.io',
      'notification.toolkit.fluxcd.io',
    ]);
  });

  it('looks kinds up by group+kind, apiVersion+kind and plural', () => {
    expect(findKind('source.toolkit.fluxcd.io', 'GitRepository')).toBe(gitRepositoryKind);
    expect(findKind('kustomize.toolkit.fluxcd.io', 'GitRepository')).toBeUndefined();
    const found = findKindVersion('source.toolkit.fluxcd.io/v1beta1', 'GitRepository');
    expect(found?.kind).toBe(gitRepositoryKind);
    expect(found?.version.name).toBe('v1beta1');
    expect(findKindVersion('source.toolkit.fluxcd.io/v1alpha1', 'GitRepository')).toBeUndefined();
    expect(findKindByPlural('source.toolkit.fluxcd.io', 'gitrepositories')).toBe(gitRepositoryKind);
  });

  it('resolves the resource names kubectl accepts', () => {
    for (const name of [
      'gitrepo',
      'GitRepository',
      'gitrepository',
      'gitrepositories',
      'gitrepositories.source.toolkit.fluxcd.io',
    ]) {
      expect(kindRegistry.byResourceName(name), name).toEqual([gitRepositoryKind]);
    }
    expect(kindRegistry.byResourceName('ks').map((k) => k.kind)).toEqual(['Kustomization']);
    expect(kindRegistry.byResourceName('nothing')).toEqual([]);
  });

  it('names the storage version first', () => {
    expect(storageVersion(gitRepositoryKind).name).toBe('v1');
    expect(storageApiVersion(findKind('helm.toolkit.fluxcd.io', 'HelmRelease')!)).toBe(
      'helm.toolkit.fluxcd.io/v2',
    );
  });
});

describe('createKindRegistry', () => {
  it('rejects a kind registered twice', () => {
    expect(() => createKindRegistry([...sourceKinds, gitRepositoryKind])).toThrow(
      /duplicate kind GitRepository/,
    );
  });

  it('only knows the kinds it was given', () => {
    const registry = createKindRegistry(kustomizeKinds);
    expect(registry.byApiVersionKind('source.toolkit.fluxcd.io/v1', 'GitRepository')).toBeUndefined();
    expect(
      registry.byApiVersionKind('kustomize.toolkit.fluxcd.io/v1beta2', 'Kustomization')?.version.name,
    ).toBe('v1beta2');
  });
});
