import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeToken,
  encodeToken,
  filterSubject,
  parseSubject,
  subjectFor,
  subjectMatches,
  validateSubjectPrefix,
} from './subjects.js';

const dns1123 = fc.stringMatching(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/);

describe('token encoding', () => {
  it('round-trips any string, including non-ASCII and control characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 64 }), (value) => {
        expect(decodeToken(encodeToken(value))).toBe(value);
      }),
      { numRuns: 1000 },
    );
  });

  it('produces a single wildcard-free NATS token', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 64 }), (value) => {
        const token = encodeToken(value);
        expect(token).toMatch(/^[\x21-\x7e]+$/);
        expect(token).not.toMatch(/[.*>]/);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps distinct values distinct (injective)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 16 }), fc.string({ maxLength: 16 }), (a, b) => {
        fc.pre(a !== b);
        expect(encodeToken(a)).not.toBe(encodeToken(b));
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves Kubernetes names readable, escaping only the dots', () => {
    fc.assert(
      fc.property(dns1123, (name) => {
        expect(encodeToken(name)).toBe(name.replaceAll('.', '~2E'));
      }),
    );
    expect(encodeToken('podinfo.v2')).toBe('podinfo~2Ev2');
    expect(encodeToken('source.toolkit.fluxcd.io')).toBe('source~2Etoolkit~2Efluxcd~2Eio');
  });

  it.each([
    ['', '~'],
    ['~', '~7E'],
    ['a*b', 'a~2Ab'],
    ['a>b', 'a~3Eb'],
    ['a b\tc', 'a~20b~09c'],
    ['é', '~C3~A9'],
    ['%2E', '%2E'],
  ])('encodes %j as %j', (value, token) => {
    expect(encodeToken(value)).toBe(token);
    expect(decodeToken(token)).toBe(value);
  });

  it('refuses strings that are not well-formed Unicode', () => {
    expect(() => encodeToken('a\uD800b')).toThrow(/well-formed/);
  });

  it.each([
    ['a.b', /raw character/],
    ['a*', /raw character/],
    ['~2', /bad escape/],
    ['~2e', /bad escape/],
    ['~ZZ', /bad escape/],
    ['~41', /needs none/],
    ['~C3', /UTF-8/],
    ['', /empty/],
  ])('rejects the non-canonical token %j', (token, why) => {
    expect(() => decodeToken(token)).toThrow(why);
    try {
      decodeToken(token);
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_TOKEN_ENCODING' });
    }
  });
});

describe('subjects', () => {
  it('builds the documented subjects', () => {
    expect(
      subjectFor('flotilla', {
        type: 'event',
        group: 'kustomize.toolkit.fluxcd.io',
        kind: 'Kustomization',
        namespace: 'flux-system',
        name: 'apps.prod',
      }),
    ).toBe('flotilla.events.kustomize~2Etoolkit~2Efluxcd~2Eio.Kustomization.flux-system.apps~2Eprod');
    expect(
      subjectFor('flotilla', { type: 'artifact', kind: 'GitRepository', namespace: 'ns', name: 'repo' }),
    ).toBe('flotilla.artifacts.GitRepository.ns.repo');
    expect(
      subjectFor('acme.prod', { type: 'reconcile', kind: 'HelmRelease', namespace: 'ns', name: 'x' }),
    ).toBe('acme.prod.reconcile.HelmRelease.ns.x');
    expect(
      subjectFor('flotilla', { type: 'event', group: '', kind: 'Pod', namespace: 'ns', name: 'p' }),
    ).toBe('flotilla.events.~.Pod.ns.p');
  });

  it('builds filters with a wildcard for every omitted field', () => {
    expect(filterSubject('flotilla', { type: 'event' })).toBe('flotilla.events.*.*.*.*');
    expect(filterSubject('flotilla', { type: 'reconcile', kind: 'Kustomization' })).toBe(
      'flotilla.reconcile.Kustomization.*.*',
    );
    expect(filterSubject('flotilla', { type: 'artifact', namespace: 'team.a' })).toBe(
      'flotilla.artifacts.*.team~2Ea.*',
    );
    expect(() => filterSubject('flotilla', { type: 'bogus' } as never)).toThrow(/unknown message type/);
    expect(() => filterSubject('flotilla', { type: 'toString' } as never)).toThrow(/unknown message type/);
  });

  it('parses every subject it builds back into the same address', () => {
    const part = fc.string({ unit: 'binary', maxLength: 24 });
    fc.assert(
      fc.property(
        fc.constantFrom('event', 'artifact', 'reconcile'),
        part,
        part,
        part,
        part,
        (type, group, kind, namespace, name) => {
          const address =
            type === 'event'
              ? { type, group, kind, namespace, name }
              : ({ type, kind, namespace, name } as const);
          const subject = subjectFor('flotilla.test', address as never);
          expect(parseSubject('flotilla.test', subject)).toEqual(address);
          expect(subjectMatches(filterSubject('flotilla.test', { type } as never), subject)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('rejects subjects outside the scheme', () => {
    expect(() => parseSubject('flotilla', 'other.reconcile.K.ns.n')).toThrow(/prefix/);
    expect(() => parseSubject('flotilla', 'flotilla.reconcile.K.ns')).toThrow(/scheme/);
    expect(() => parseSubject('flotilla', 'flotilla.unknown.K.ns.n')).toThrow(/scheme/);
    expect(() => parseSubject('flotilla', 'flotilla.events.K.ns.n')).toThrow(/scheme/);
  });

  it('matches subjects with NATS wildcard semantics', () => {
    expect(subjectMatches('a.*.c', 'a.b.c')).toBe(true);
    expect(subjectMatches('a.*.c', 'a.b.d')).toBe(false);
    expect(subjectMatches('a.*', 'a.b.c')).toBe(false);
    expect(subjectMatches('a.>', 'a.b.c')).toBe(true);
    expect(subjectMatches('a.>', 'a')).toBe(false);
    expect(subjectMatches('a.b.c', 'a.b')).toBe(false);
    expect(subjectMatches('a.b', 'a.b')).toBe(true);
  });

  it('validates the subject prefix', () => {
    expect(validateSubjectPrefix('flotilla.prod-1')).toBe('flotilla.prod-1');
    for (const bad of ['', 'a..b', 'a.*', 'a.>', 'a b', '.a', 'a.']) {
      expect(() => validateSubjectPrefix(bad)).toThrow(/subject prefix/);
    }
  });
});
