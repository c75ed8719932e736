import { describe, expect, it } from 'vitest';
import { OciReferenceError } from './errors.js';
import {
  childReference,
  formatReference,
  manifestReference,
  parseOciUrl,
  parseReference,
  registryApiHost,
  withDigest,
  withTag,
} from './reference.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('parseReference', () => {
  it.each([
    ['alpine', { registry: 'docker.io', repository: 'library/alpine' }],
    ['alpine:3.20', { registry: 'docker.io', repository: 'library/alpine', tag: '3.20' }],
    [
      'stefanprodan/podinfo:6.7.0',
      { registry: 'docker.io', repository: 'stefanprodan/podinfo', tag: '6.7.0' },
    ],
    ['docker.io/nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['index.docker.io/library/nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    [
      'ghcr.io/stefanprodan/manifests/podinfo',
      { registry: 'ghcr.io', repository: 'stefanprodan/manifests/podinfo' },
    ],
    ['localhost/app', { registry: 'localhost', repository: 'app' }],
    ['127.0.0.1:5000/app:v1', { registry: '127.0.0.1:5000', repository: 'app', tag: 'v1' }],
    ['localhost:5000/a/b', { registry: 'localhost:5000', repository: 'a/b' }],
    ['[::1]:5000/app', { registry: '[::1]:5000', repository: 'app' }],
    [`ghcr.io/x/y@${DIGEST}`, { registry: 'ghcr.io', repository: 'x/y', digest: DIGEST }],
    [`ghcr.io/x/y:1.0@${DIGEST}`, { registry: 'ghcr.io', repository: 'x/y', tag: '1.0', digest: DIGEST }],
    [
      'my-registry.example.com/a__b/c-d.e:1.0.0_build.1',
      { registry: 'my-registry.example.com', repository: 'a__b/c-d.e', tag: '1.0.0_build.1' },
    ],
  ])('%s', (input, expected) => {
    expect(parseReference(input)).toEqual(expected);
  });

  it.each([
    ['', /invalid reference/],
    ['Upper/Case', /invalid repository/],
    ['ghcr.io/UPPER', /invalid repository/],
    ['ghcr.io/a:b:c', /invalid (tag|repository)/],
    ['ghcr.io/x@sha256:abc', /invalid digest/],
    [`ghcr.io/x@sha256:${'A'.repeat(64)}`, /invalid sha256 digest/],
    ['ghcr.io/x:-bad', /invalid tag/],
    ['oci://ghcr.io/x', /URL scheme/],
    ['ghcr.io/a//b', /invalid repository/],
    [`ghcr.io/${'a'.repeat(260)}`, /longer than 255/],
  ])('rejects %s', (input, message) => {
    expect(() => parseReference(input)).toThrow(OciReferenceError);
    expect(() => parseReference(input)).toThrow(message);
  });
});

describe('oci:// URLs and helpers', () => {
  it('parses Flux URLs and strips a trailing slash', () => {
    expect(parseOciUrl('oci://ghcr.io/stefanprodan/manifests/podinfo')).toEqual({
      registry: 'ghcr.io',
      repository: 'stefanprodan/manifests/podinfo',
    });
    expect(parseOciUrl('oci://127.0.0.1:5000/charts/')).toEqual({
      registry: '127.0.0.1:5000',
      repository: 'charts',
    });
    expect(() => parseOciUrl('https://ghcr.io/x')).toThrow(/must start with oci:\/\//);
    expect(() => parseOciUrl('oci://')).toThrow(/no repository/);
  });

  it('maps Docker Hub to its API host and formats references back', () => {
    expect(registryApiHost('docker.io')).toBe('registry-1.docker.io');
    expect(registryApiHost('ghcr.io')).toBe('ghcr.io');
    const ref = parseReference('alpine:3');
    expect(formatReference(ref)).toBe('docker.io/library/alpine:3');
    expect(formatReference(withDigest(ref, DIGEST))).toBe(`docker.io/library/alpine:3@${DIGEST}`);
    expect(formatReference(withTag(withDigest(ref, DIGEST), '4'))).toBe('docker.io/library/alpine:4');
    expect(manifestReference(parseReference('alpine'))).toBe('latest');
    expect(manifestReference(withDigest(ref, DIGEST))).toBe(DIGEST);
    expect(childReference(parseOciUrl('oci://ghcr.io/charts'), 'podinfo')).toEqual({
      registry: 'ghcr.io',
      repository: 'charts/podinfo',
    });
  });
});
