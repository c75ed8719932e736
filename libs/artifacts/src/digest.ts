// Digests in Flux's `<algo>:<hex>` form, computed and verified while bytes stream past.
import { createHash, type Hash } from 'node:crypto';
import { Readable, Transform, pipeline, type TransformCallback } from 'node:stream';
import { DigestMismatchError, InvalidDigestError } from './errors.js';

/** The artifact digest pattern from the Flux API. */
export const DIGEST_PATTERN = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

const HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

export type DigestAlgorithm = 'sha256' | 'sha384' | 'sha512';

/** Bytes that can be stored or unpacked: a stream, any async iterable of chunks, or one buffer. */
export type ByteSource = AsyncIterable<Uint8Array> | Uint8Array;

export function parseDigest(digest: string): { algorithm: DigestAlgorithm; hex: string } {
  if (!DIGEST_PATTERN.test(digest)) throw new InvalidDigestError(digest, "expected '<algorithm>:<hex>'");
  const separator = digest.indexOf(':');
  const algorithm = digest.slice(0, separator);
  const hex = digest.slice(separator + 1).toLowerCase();
  const length = HEX_LENGTH[algorithm];
  if (length === undefined) {
    throw new InvalidDigestError(
      digest,
      `unsupported algorithm '${algorithm}' (supported: sha256, sha384, sha512)`,
    );
  }
  if (hex.length !== length || !/^[0-9a-f]+$/.test(hex)) {
    throw new InvalidDigestError(digest, `expected ${length} hex characters for ${algorithm}`);
  }
  return { algorithm: algorithm as DigestAlgorithm, hex };
}

export function toReadable(source: ByteSource): Readable {
  if (source instanceof Readable) return source;
  return Readable.from(source instanceof Uint8Array ? [source] : source, { objectMode: false });
}

/** A pass-through that hashes and counts what flows through it. */
export class DigestingStream extends Transform {
  private readonly hash: Hash;
  private bytes = 0;

  constructor(private readonly algorithm: DigestAlgorithm = 'sha256') {
    super();
    this.hash = createHash(algorithm);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  /** Valid once the stream has ended. */
  digest(): string {
    return `${this.algorithm}:${this.hash.copy().digest('hex')}`;
  }

  // Deliberately not a `size` property: lib-storage would read it as the body's total length.
  byteCount(): number {
    return this.bytes;
  }
}

/** Hashes a whole byte source, e.g. to compare a packed tarball with a stored digest. */
export async function computeDigest(
  source: ByteSource,
  algorithm: DigestAlgorithm = 'sha256',
): Promise<{ digest: string; size: number }> {
  const hash = createHash(algorithm);
  let size = 0;
  for await (const chunk of toReadable(source)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { digest: `${algorithm}:${hash.digest('hex')}`, size };
}

class VerifyingStream extends Transform {
  private readonly hash: Hash;

  constructor(
    private readonly label: string,
    private readonly expected: string,
    algorithm: DigestAlgorithm,
    private readonly expectedHex: string,
  ) {
    super();
    this.hash = createHash(algorithm);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const actualHex = this.hash.digest('hex');
    if (actualHex === this.expectedHex) callback();
    else
      callback(
        new DigestMismatchError(this.label, this.expected, `${this.expected.split(':')[0]}:${actualHex}`),
      );
  }
}

/**
 * Passes the bytes through and fails the stream with DigestMismatchError at the end if they do not
 * match `expected`. Data is delivered before the check completes, so consumers must treat a late
 * error as fatal (unpackTarball does: nothing is moved into place until the stream ends cleanly).
 */
export function verifyDigest(source: ByteSource, expected: string, label = 'stream'): Readable {
  const { algorithm, hex } = parseDigest(expected);
  const verifier = new VerifyingStream(label, expected, algorithm, hex);
  // The callback form tears both ends down on error; the error itself reaches the consumer via `verifier`.
  return pipeline(toReadable(source), verifier, () => undefined);
}
