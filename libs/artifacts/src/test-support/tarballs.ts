// Builds arbitrary (including hostile) tar.gz files with tar-stream, bypassing packEntries' checks.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tar, { type Header } from 'tar-stream';

export interface RawEntry {
  header: Partial<Header> & { name: string };
  /** File content, or a count of zero bytes streamed in 1 MiB chunks (for bombs). */
  content?: string | Buffer | { zeros: number };
}

const MiB = 1024 * 1024;

/** Gzip-compressed tarball of the entries, plus `trailingZeros` bytes of zero padding after them. */
export async function buildTarball(entries: RawEntry[], trailingZeros = 0): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const collecting = pipeline(pack, createGzip({ level: 1 }), async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) chunks.push(chunk);
  });
  for (const entry of entries) await addRawEntry(pack, entry);
  if (trailingZeros > 0) {
    // A zero block reads as "no header", so a tar reader keeps consuming: classic padding bomb.
    for (let written = 0; written < trailingZeros; written += MiB)
      pack.push(Buffer.alloc(Math.min(MiB, trailingZeros - written)));
  }
  pack.finalize();
  await collecting;
  return Buffer.concat(chunks);
}

function addRawEntry(pack: tar.Pack, entry: RawEntry): Promise<void> {
  const header = { mtime: new Date(0), ...entry.header };
  return new Promise((resolve, reject) => {
    const done = (error?: Error | null) => (error ? reject(error) : resolve());
    const content = entry.content;
    if (content === undefined) {
      pack.entry(header, done);
    } else if (typeof content === 'string' || Buffer.isBuffer(content)) {
      pack.entry(header, Buffer.from(content), done);
    } else {
      const sink = pack.entry({ ...header, size: content.zeros }, done);
      pipeline(Readable.from(zeroChunks(content.zeros)), sink).catch(reject);
    }
  });
}

function* zeroChunks(total: number): Generator<Buffer> {
  const chunk = Buffer.alloc(MiB);
  for (let remaining = total; remaining > 0; remaining -= MiB)
    yield remaining >= MiB ? chunk : chunk.subarray(0, remaining);
}
