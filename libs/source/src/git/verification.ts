// GitRepository `verify` (spec source.md §2): OpenPGP signatures of the commit (HEAD modes) and/or
// the annotated tag (Tag modes) against the keys of verify.secretRef. SSH signature keys
// (`*.sshpub`) are not supported yet and are skipped.
import { verifyCommit, verifyTag, type CheckoutChanged, type PublicKeyMaterial } from '@flotilla/git';

export type VerifyMode = 'HEAD' | 'head' | 'Tag' | 'TagAndHEAD';

export class VerificationSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerificationSetupError';
  }
}

/** Trusted keys from the Secret: every value but `*.sshpub` ones, as armored or binary OpenPGP keys. */
export function trustedKeys(data: Record<string, string>): PublicKeyMaterial[] {
  const keys = Object.entries(data)
    .filter(([name]) => !name.endsWith('.sshpub'))
    .map(([, value]) => value);
  if (keys.length === 0)
    throw new VerificationSetupError('no OpenPGP public keys found in the verification secret');
  return keys;
}

export function normaliseMode(mode: string | undefined): 'HEAD' | 'Tag' | 'TagAndHEAD' {
  if (mode === 'Tag' || mode === 'TagAndHEAD') return mode;
  return 'HEAD';
}

/** Verifies what `mode` asks; resolves with the status message, rejects with the reason. */
export async function verifyCheckout(
  result: CheckoutChanged,
  mode: 'HEAD' | 'Tag' | 'TagAndHEAD',
  keys: PublicKeyMaterial[],
): Promise<string> {
  const messages: string[] = [];
  if (mode === 'Tag' || mode === 'TagAndHEAD') {
    if (!result.tag)
      throw new VerificationSetupError(`cannot verify tag: the reference does not point to an annotated tag`);
    const signer = await verifyTag(result.tag, keys);
    messages.push(`verified signature of\n\t- tag '${result.tag.name}' with key '${signer.keyId}'`);
  }
  if (mode === 'HEAD' || mode === 'TagAndHEAD') {
    const signer = await verifyCommit(result.commit, keys);
    messages.push(`verified signature of\n\t- commit '${result.commit.sha}' with key '${signer.keyId}'`);
  }
  return messages.join('\n');
}
