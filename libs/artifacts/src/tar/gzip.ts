// gzip output whose header does not depend on time or platform, so equal input gives equal bytes.
import { Transform, type TransformCallback } from 'node:stream';
import { createGzip, type Gzip } from 'node:zlib';

const HEADER_LENGTH = 10;
const FLAGS_OFFSET = 3;
const MTIME_OFFSETS = [4, 5, 6, 7];
const OS_OFFSET = 9;
// "unknown", as Go's compress/gzip (and so Flux) writes it; zlib writes a per-platform value.
const OS_UNKNOWN = 0xff;

/** Pins the gzip header's mtime to 0 and OS byte to 255; the header may span chunks. */
class GzipHeaderNormaliser extends Transform {
  private position = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.position >= HEADER_LENGTH) {
      callback(null, chunk);
      return;
    }
    const copy = Buffer.from(chunk);
    for (let index = 0; index < copy.length && this.position + index < HEADER_LENGTH; index++) {
      const offset = this.position + index;
      if (offset === FLAGS_OFFSET && copy[index] !== 0) {
        callback(new Error('unexpected gzip header flags: expected no file name, comment or extra field'));
        return;
      }
      if (MTIME_OFFSETS.includes(offset)) copy[index] = 0;
      if (offset === OS_OFFSET) copy[index] = OS_UNKNOWN;
    }
    this.position += copy.length;
    callback(null, copy);
  }
}

/** A gzip compressor and the header normaliser behind it, as [compressor, normaliser]. */
export function createDeterministicGzip(): [Gzip, Transform] {
  return [createGzip({ level: 6 }), new GzipHeaderNormaliser()];
}
