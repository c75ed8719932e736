import { describe, expect, it } from 'vitest';
import { authSchemeOf, parseWwwAuthenticate, validateRealm } from './auth.js';
import { OciProtocolError } from './errors.js';

describe('parseWwwAuthenticate', () => {
  it('parses Bearer parameters with quoted commas and several challenges', () => {
    expect(
      parseWwwAuthenticate(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:a/b:pull,push"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:a/b:pull,push',
        },
      },
    ]);
    expect(
      parseWwwAuthenticate(['Basic realm="r"', 'Bearer realm="https://t", error=invalid_token']),
    ).toEqual([
      { scheme: 'basic', params: { realm: 'r' } },
      { scheme: 'bearer', params: { realm: 'https://t', error: 'invalid_token' } },
    ]);
    expect(parseWwwAuthenticate('Basic realm="a \\"quoted\\" name", Bearer realm="x"')).toEqual([
      { scheme: 'basic', params: { realm: 'a "quoted" name' } },
      { scheme: 'bearer', params: { realm: 'x' } },
    ]);
    expect(parseWwwAuthenticate(undefined)).toEqual([]);
  });

  it('turns challenges into an auth scheme', () => {
    expect(authSchemeOf(undefined)).toEqual({ scheme: 'none' });
    expect(authSchemeOf({ scheme: 'basic', params: { realm: 'r' } })).toEqual({
      scheme: 'basic',
      realm: 'r',
    });
    expect(() => authSchemeOf({ scheme: 'bearer', params: {} })).toThrow(/without a realm/);
    expect(() => authSchemeOf({ scheme: 'negotiate', params: {} })).toThrow(OciProtocolError);
  });
});

describe('validateRealm', () => {
  const registry = new URL('https://registry.example.com');
  it('wants https unless the registry is insecure', () => {
    expect(validateRealm('https://auth.example.com/token', registry, false).host).toBe('auth.example.com');
    expect(() => validateRealm('http://auth.example.com/token', registry, false)).toThrow(/must use https/);
    expect(validateRealm('http://auth.example.com/token', registry, true).protocol).toBe('http:');
    expect(() => validateRealm('not a url', registry, false)).toThrow(/not a URL/);
  });

  it('refuses private addresses of another host but allows the registry host itself', () => {
    for (const realm of [
      'https://127.0.0.1/t',
      'https://10.1.2.3/t',
      'https://169.254.169.254/t',
      'https://[::1]/t',
    ]) {
      expect(() => validateRealm(realm, registry, false)).toThrow(/private address/);
    }
    expect(validateRealm('http://127.0.0.1:9999/t', new URL('http://127.0.0.1:5000'), true).port).toBe(
      '9999',
    );
  });
});
