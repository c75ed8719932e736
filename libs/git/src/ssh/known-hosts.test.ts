import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fingerprint, hostKeyAlgorithms, keyTypeOf, knownHostKeys, knownHostsName } from './known-hosts.js';

function blob(type: string, body: string): Buffer {
  const name = Buffer.from(type);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(name.length);
  return Buffer.concat([length, name, Buffer.from(body)]);
}

const ed = blob('ssh-ed25519', 'ed-key');
const rsa = blob('ssh-rsa', 'rsa-key');
const line = (hosts: string, key: Buffer) => `${hosts} ${keyTypeOf(key)} ${key.toString('base64')}`;

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('known_hosts', () => {
  it('names non-default ports in brackets', () => {
    expect(knownHostsName('example.com', 22)).toBe('example.com');
    expect(knownHostsName('127.0.0.1', 2222)).toBe('[127.0.0.1]:2222');
  });

  it('matches plain, comma-separated, wildcard and hashed host patterns', () => {
    const text = [
      '# comment',
      line('github.com,140.82.112.3', ed),
      line('*.example.org', rsa),
      line(hashed('[10.0.0.1]:2222'), ed),
      line('[10.0.0.1]:2223', rsa),
    ].join('\n');
    expect(knownHostKeys(text, 'github.com', 22).map((key) => key.type)).toEqual(['ssh-ed25519']);
    expect(knownHostKeys(text, 'git.example.org', 22).map((key) => key.type)).toEqual(['ssh-rsa']);
    expect(knownHostKeys(text, '10.0.0.1', 2222)).toHaveLength(1);
    expect(knownHostKeys(text, '10.0.0.1', 22)).toHaveLength(0);
    expect(knownHostKeys(text, 'github.com', 2222)).toHaveLength(0);
  });

  it('honours negation and @revoked, skips @cert-authority', () => {
    const text = [
      line('*.corp,!bad.corp', ed),
      `@revoked ${line('old.corp', rsa)}`,
      `@cert-authority ${line('*.corp', rsa)}`,
    ].join('\n');
    expect(knownHostKeys(text, 'good.corp', 22)).toHaveLength(1);
    expect(knownHostKeys(text, 'bad.corp', 22)).toHaveLength(0);
    expect(knownHostKeys(text, 'old.corp', 22)).toEqual([
      { type: 'ssh-ed25519', key: ed, revoked: false },
      { type: 'ssh-rsa', key: rsa, revoked: true },
    ]);
  });

  it('offers host key algorithms for the listed key types, RSA with SHA-2 first', () => {
    const keys = knownHostKeys([line('h', rsa), line('h', ed)].join('\n'), 'h', 22);
    expect(hostKeyAlgorithms(keys)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519']);
  });

  it('prints OpenSSH-style fingerprints', () => {
    expect(fingerprint(ed)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });
});
