import { describe, expect, it } from 'vitest';
import { credentialsFromDockerConfig } from './docker-config.js';
import { OciConfigError } from './errors.js';
import { parseReference } from './reference.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('credentialsFromDockerConfig', () => {
  it('decodes auth (padded or not) and prefers it over username/password', () => {
    const config = {
      auths: {
        'ghcr.io': { auth: b64('bot:pa:ss'), username: 'ignored', password: 'ignored' },
        'quay.io': { auth: b64('ab:c').replace(/=+$/, '') },
        'registry.example.com': { username: 'u', password: 'p' },
      },
    };
    expect(credentialsFromDockerConfig(JSON.stringify(config), 'ghcr.io')).toEqual({
      username: 'bot',
      password: 'pa:ss',
    });
    expect(credentialsFromDockerConfig(config, 'quay.io')).toEqual({ username: 'ab', password: 'c' });
    expect(credentialsFromDockerConfig(config, 'registry.example.com/team/app')).toEqual({
      username: 'u',
      password: 'p',
    });
    expect(credentialsFromDockerConfig(config, 'other.io')).toBeUndefined();
  });

  it('normalises keys with schemes, ports and paths and matches the most specific first', () => {
    const config = {
      auths: {
        'https://registry.example.com:5000': { username: 'host' },
        'registry.example.com:5000/team': { username: 'team' },
        'registry.example.com:5000/team/special': { username: 'special' },
      },
    };
    expect(credentialsFromDockerConfig(config, 'registry.example.com:5000/other/app')?.username).toBe('host');
    expect(credentialsFromDockerConfig(config, 'registry.example.com:5000/team/app')?.username).toBe('team');
    expect(
      credentialsFromDockerConfig(config, parseReference('registry.example.com:5000/team/special/x'))
        ?.username,
    ).toBe('special');
    // A different port is a different registry.
    expect(credentialsFromDockerConfig(config, 'registry.example.com/team/app')).toBeUndefined();
  });

  it('matches glob host labels label by label', () => {
    const config = { auths: { '*.azurecr.io': { username: 'acr', password: 'x' } } };
    expect(credentialsFromDockerConfig(config, 'myreg.azurecr.io')?.username).toBe('acr');
    expect(credentialsFromDockerConfig(config, 'a.b.azurecr.io')).toBeUndefined();
    expect(credentialsFromDockerConfig(config, 'azurecr.io')).toBeUndefined();
  });

  it('treats every Docker Hub spelling as one registry', () => {
    const config = { auths: { 'https://index.docker.io/v1/': { auth: b64('hub:pw') } } };
    expect(credentialsFromDockerConfig(config, parseReference('alpine'))).toEqual({
      username: 'hub',
      password: 'pw',
    });
    expect(credentialsFromDockerConfig(config, 'registry-1.docker.io')?.username).toBe('hub');
    expect(
      credentialsFromDockerConfig({ auths: { 'docker.io': { auth: b64('a:b') } } }, 'index.docker.io'),
    ).toEqual({
      username: 'a',
      password: 'b',
    });
  });

  it('reads identity and registry tokens, and the legacy .dockercfg map', () => {
    const config = { 'ghcr.io': { identitytoken: 'refresh-me', registrytoken: 'bearer-me' } };
    expect(credentialsFromDockerConfig(config, 'ghcr.io')).toEqual({
      identityToken: 'refresh-me',
      registryToken: 'bearer-me',
    });
  });

  it('reports malformed input', () => {
    expect(() => credentialsFromDockerConfig('{', 'ghcr.io')).toThrow(OciConfigError);
    expect(() => credentialsFromDockerConfig('[]', 'ghcr.io')).toThrow(/must be an object/);
    expect(() => credentialsFromDockerConfig({ auths: 'x' }, 'ghcr.io')).toThrow(/"auths" must be an object/);
    expect(() =>
      credentialsFromDockerConfig({ auths: { 'ghcr.io': { auth: b64('nocolon') } } }, 'ghcr.io'),
    ).toThrow(/not base64 of user:password/);
  });
});
