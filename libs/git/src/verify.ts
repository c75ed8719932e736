// OpenPGP signatures on commits and tags (GitRepository `verify`): check a signature over the exact
// object payload against trusted public keys, and sign payloads for commits we create.
import * as openpgp from 'openpgp';
import type { SignCallback } from 'isomorphic-git';
import { GitVerificationError } from './errors.js';
import type { CommitInfo, TagInfo } from './objects.js';

/** A trusted key: ASCII-armored (`*.asc` Secret keys) or a binary keyring. */
export type PublicKeyMaterial = string | Uint8Array;

export interface VerifiedSignature {
  /** 16-hex key id of the key that made the signature. */
  keyId: string;
  /** Fingerprint of the (primary) key that verified it. */
  fingerprint: string;
}

async function readPublicKeys(material: PublicKeyMaterial[]): Promise<openpgp.Key[]> {
  const keys: openpgp.Key[] = [];
  for (const entry of material) {
    try {
      const text = typeof entry === 'string' ? entry : Buffer.from(entry).toString('latin1');
      if (text.includes('-----BEGIN PGP')) keys.push(...(await openpgp.readKeys({ armoredKeys: text })));
      else keys.push(...(await openpgp.readKeys({ binaryKeys: Uint8Array.from(entry as Uint8Array) })));
    } catch (error) {
      throw new GitVerificationError(`cannot read trusted OpenPGP key: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  if (keys.length === 0) throw new GitVerificationError('no trusted OpenPGP keys given');
  return keys;
}

/**
 * Verifies a detached armored signature over `payload` against the keys; resolves with the signer
 * or rejects with GitVerificationError.
 */
export async function verifySignature(
  payload: string,
  armoredSignature: string | undefined,
  trusted: PublicKeyMaterial[],
  what = 'object',
): Promise<VerifiedSignature> {
  if (!armoredSignature) throw new GitVerificationError(`${what} is not signed`);
  const keys = await readPublicKeys(trusted);
  let signature: openpgp.Signature;
  try {
    signature = await openpgp.readSignature({ armoredSignature });
  } catch (error) {
    throw new GitVerificationError(`${what} has a malformed signature: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const message = await openpgp.createMessage({ binary: Buffer.from(payload, 'utf8') });
  const result = await openpgp.verify({ message, signature, verificationKeys: keys });
  const failures: string[] = [];
  for (const candidate of result.signatures) {
    try {
      await candidate.verified;
      const keyId = candidate.keyID.toHex();
      const key = keys.find((item) => item.getKeyIDs().some((id) => id.toHex() === keyId));
      return { keyId, fingerprint: key?.getFingerprint() ?? '' };
    } catch (error) {
      failures.push(`${candidate.keyID.toHex()}: ${(error as Error).message}`);
    }
  }
  throw new GitVerificationError(
    `${what} signature does not verify with any trusted key (${failures.join('; ') || 'no signatures'})`,
  );
}

/** Verifies a checked-out commit's signature (GitRepository verify mode HEAD). */
export function verifyCommit(commit: CommitInfo, trusted: PublicKeyMaterial[]): Promise<VerifiedSignature> {
  return verifySignature(commit.payload, commit.signature, trusted, `commit ${commit.sha}`);
}

/** Verifies an annotated tag's signature (verify mode Tag). */
export function verifyTag(tag: TagInfo, trusted: PublicKeyMaterial[]): Promise<VerifiedSignature> {
  return verifySignature(tag.payload, tag.signature, trusted, `tag ${tag.name}`);
}

export interface SigningKey {
  /** ASCII-armored OpenPGP private key. */
  armoredKey: string;
  passphrase?: string;
}

/** An isomorphic-git onSign callback signing with the key (detached, armored, over the raw bytes). */
export function openpgpSigner(signingKey: SigningKey): SignCallback {
  let unlocked: Promise<openpgp.PrivateKey> | undefined;
  const key = async () => {
    const privateKey = await openpgp.readPrivateKey({ armoredKey: signingKey.armoredKey });
    if (privateKey.isDecrypted()) return privateKey;
    return openpgp.decryptKey({ privateKey, passphrase: signingKey.passphrase ?? '' });
  };
  return async ({ payload }) => {
    unlocked ??= key();
    const message = await openpgp.createMessage({ binary: Buffer.from(payload, 'utf8') });
    const signature = await openpgp.sign({
      message,
      signingKeys: await unlocked,
      detached: true,
      format: 'armored',
    });
    return { signature: signature as string };
  };
}
