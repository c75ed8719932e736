import { describe, expect, it } from 'vitest';
import { SopsDecryptionError } from './errors.js';
import {
  flattenMetadata,
  metadataFromPlain,
  metadataToPlain,
  normalizeTimestamp,
  unflattenMetadata,
  type SopsMetadata,
} from './metadata.js';

const metadata: SopsMetadata = {
  keyGroups: [
    {
      age: [
        {
          recipient: 'age1abc',
          enc: '-----BEGIN AGE ENCRYPTED FILE-----\nAAAA\n-----END AGE ENCRYPTED FILE-----\n',
        },
      ],
      pgp: [{ fp: 'ABCDEF', enc: 'msg', created_at: '2024-01-01T00:00:00Z' }],
      other: [],
    },
  ],
  lastModified: '2024-05-06T07:08:09Z',
  mac: 'ENC[x]',
  version: '3.9.4',
  unencryptedSuffix: '_unencrypted',
  macOnlyEncrypted: true,
};

describe('metadata', () => {
  it('is written in the field order of sops stores.Metadata', () => {
    expect(Object.keys(metadataToPlain(metadata))).toEqual([
      'age',
      'lastmodified',
      'mac',
      'pgp',
      'unencrypted_suffix',
      'mac_only_encrypted',
      'version',
    ]);
  });

  it('flattens for dotenv/INI with sorted __map_/__list_ keys and escaped newlines, and back', () => {
    const flat = flattenMetadata(metadata);
    expect(flat.map(([k]) => k)).toEqual([
      'age__list_0__map_enc',
      'age__list_0__map_recipient',
      'lastmodified',
      'mac',
      'mac_only_encrypted',
      'pgp__list_0__map_created_at',
      'pgp__list_0__map_enc',
      'pgp__list_0__map_fp',
      'unencrypted_suffix',
      'version',
    ]);
    expect(flat[0]![1]).toBe(
      '-----BEGIN AGE ENCRYPTED FILE-----\\nAAAA\\n-----END AGE ENCRYPTED FILE-----\\n',
    );
    const back = metadataFromPlain(unflattenMetadata(flat));
    expect(back).toMatchObject({ ...metadata, encryptedRegex: undefined });
  });

  it('reads key groups and defaults the unencrypted suffix', () => {
    const md = metadataFromPlain({
      key_groups: [
        { age: [{ recipient: 'r1', enc: 'e1' }] },
        { pgp: [{ fp: 'F', enc: 'e2', created_at: 'c' }] },
      ],
      shamir_threshold: 2n,
      lastmodified: '2024-01-01T00:00:00Z',
      mac: 'm',
      version: '3.8.1',
    });
    expect(md.keyGroups).toHaveLength(2);
    expect(md.shamirThreshold).toBe(2);
    expect(md.unencryptedSuffix).toBe('_unencrypted');
    expect(md.macOnlyEncrypted).toBe(false);
  });

  it('rejects missing keys and conflicting rules', () => {
    expect(() => metadataFromPlain({ lastmodified: 'x' })).toThrow(/no keys found/);
    expect(() =>
      metadataFromPlain({
        age: [{ recipient: 'r', enc: 'e' }],
        encrypted_regex: 'a',
        unencrypted_suffix: 'b',
      }),
    ).toThrow(SopsDecryptionError);
    expect(() => metadataFromPlain('nope')).toThrow(/sops metadata not found/);
  });

  it('normalises lastmodified as Go formats RFC 3339 (the MAC additional data)', () => {
    expect(normalizeTimestamp('2024-01-02T03:04:05Z')).toBe('2024-01-02T03:04:05Z');
    expect(normalizeTimestamp('2024-01-02T03:04:05.123456Z')).toBe('2024-01-02T03:04:05Z');
    expect(normalizeTimestamp('2024-01-02T03:04:05+00:00')).toBe('2024-01-02T03:04:05Z');
    expect(normalizeTimestamp('2024-01-02T03:04:05+02:00')).toBe('2024-01-02T03:04:05+02:00');
    expect(() => normalizeTimestamp('yesterday')).toThrow(/not RFC 3339/);
  });
});
