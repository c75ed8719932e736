// sha256 digests of manifests and blobs, checked while streaming.
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { OciDigestMismatchError, OciTooLargeError } from './errors.js';

export function sha256(content: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

/** The hex part of `sha256:<hex>`. */
export function digestHex(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1);
}

export function assertDigest(what: string, content: Uint8Array, expected: string): void {
  if (!expected.startsWith('sha256:')) return;
  const actual = sha256(content);
  if (actual !== expected) throw new OciDigestMismatchError(what, expected, actual);
}

/**
 * A pass-through stream that fails with OciTooLargeError past `maxBytes` and, at the end, with
 * OciDigestMismatchError unless the bytes hash to `expected` (sha256 only; other algorithms pass).
 */
export class VerifyingStream extends Transform {
  private readonly hash = createHash('sha256');
  private size = 0;

  constructor(
    private readonly what: string,
    private readonly expected: string,
    private readonly maxBytes = Number.POSITIVE_INFINITY,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.byteLength;
    if (this.size > this.maxBytes) {
      callback(new OciTooLargeError(this.what, this.maxBytes));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (!this.expected.startsWith('sha256:')) {
      callback();
      return;
    }
    const actual = `sha256:${this.hash.digest('hex')}`;
    callback(actual === this.expected ? null : new OciDigestMismatchError(this.what, this.expected, actual));
  }
}
