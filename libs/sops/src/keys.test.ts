import * as age from 'age-encryption';
import { describe, expect, it } from 'vitest';
import { SopsDecryptionError } from './errors.js';
import { ageIdentities, keysFromSecretData } from './keys.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('keysFromSecretData', () => {
  it('sorts *.agekey and *.asc entries as Flux does, listing KMS credentials it cannot use', async () => {
    const one = await age.generateIdentity();
    const two = await age.generateIdentity();
    const armored = '-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nxyz\n-----END PGP PRIVATE KEY BLOCK-----\n';
    const keys = keysFromSecretData({
      'identity.agekey': b64(`# created: 2024-01-01\n# public key: age1xyz\n${one}\n`),
      'more.agekey': b64(`${two}\r\n`),
      'flux.asc': b64(armored),
      'sops.aws-kms': b64('aws_access_key_id: x\n'),
      'sops.vault-token': b64('token'),
      'README.txt': b64('ignored'),
    });
    expect(keys.age).toEqual([one, two]);
    expect(keys.pgp).toEqual([armored]);
    expect(keys.unsupported).toEqual(['sops.aws-kms', 'sops.vault-token']);
  });

  it('fails on a malformed age key file, naming the entry', () => {
    let err: unknown;
    try {
      keysFromSecretData({ 'bad.agekey': b64('not-a-key\n') });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SopsDecryptionError);
    expect((err as SopsDecryptionError).reason).toBe('InvalidKey');
    expect((err as Error).message).toContain("'bad.agekey'");
  });

  it('an empty Secret gives no keys', () => {
    expect(keysFromSecretData({})).toEqual({ age: [], pgp: [], unsupported: [] });
  });
});

describe('ageIdentities', () => {
  it('accepts X25519 and post-quantum identities, one per line', async () => {
    const x = await age.generateX25519Identity();
    expect(ageIdentities([`  ${x}  `, '', '# comment'])).toEqual([x]);
    expect(ageIdentities(['AGE-SECRET-KEY-PQ-1QQQ'])).toEqual(['AGE-SECRET-KEY-PQ-1QQQ']);
    expect(() => ageIdentities(['age1publickey'])).toThrow(/malformed age identity/);
  });
});
