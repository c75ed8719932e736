import { describe, expect, it } from 'vitest';
import { InvalidArtifactPathError } from './errors.js';
import {
  artifactPath,
  objectDirectory,
  stableAliasName,
  stableAliasPath,
  validateArtifactPath,
} from './paths.js';

describe('artifact paths', () => {
  const ref = { kind: 'GitRepository', namespace: 'flux-system', name: 'podinfo' };

  it('follow <kind-lowercase>/<namespace>/<name>/<file>', () => {
    expect(objectDirectory(ref)).toBe('gitrepository/flux-system/podinfo/');
    expect(artifactPath(ref, 'ab12.tar.gz')).toBe('gitrepository/flux-system/podinfo/ab12.tar.gz');
  });

  it('name the stable alias per kind', () => {
    expect(stableAliasName('HelmRepository')).toBe('index.yaml');
    for (const kind of ['GitRepository', 'OCIRepository', 'Bucket', 'HelmChart']) {
      expect(stableAliasName(kind)).toBe('latest.tar.gz');
    }
    expect(stableAliasPath({ ...ref, kind: 'HelmRepository' })).toBe(
      'helmrepository/flux-system/podinfo/index.yaml',
    );
  });

  it('reject segments that could escape or collide', () => {
    expect(() => artifactPath({ ...ref, name: '..' }, 'x')).toThrow(InvalidArtifactPathError);
    expect(() => artifactPath({ ...ref, namespace: 'a/b' }, 'x')).toThrow("contains '/'");
    expect(() => artifactPath(ref, 'sub/file')).toThrow("contains '/'");
    expect(() => objectDirectory({ ...ref, kind: '.flotilla-tmp' })).toThrow('reserved');
    for (const path of ['/etc/passwd', 'a/../b', 'a//b', 'a/./b', '', 'a/b\\c', '.flotilla-meta/x']) {
      expect(() => validateArtifactPath(path), path).toThrow(InvalidArtifactPathError);
    }
    expect(validateArtifactPath('bucket/ns/name/.hidden-file')).toBe('bucket/ns/name/.hidden-file');
  });
});
