// isomorphic-git inflates with pako (pure JS; its native DecompressionStream path is switched off in
// the build). Profiles of a 5,000-file checkout put about a third of the CPU time there, so the
// `pako` instance isomorphic-git loads gets Node's native zlib:
// - one-shot inflate/deflate (reading packed objects; the input may run on past the end of the zlib
//   stream — a packfile slice — which zlib ignores as pako does; corrupt input still throws);
// - the streaming Inflate used while indexing a received pack: an object that ends inside the chunk
//   it starts in (almost all of them) is inflated natively in one call, and zlib reports how much
//   input it consumed; one that spans chunks falls back to pako's own streaming inflater.
import { createRequire } from 'node:module';
import { deflateSync, inflateSync } from 'node:zlib';

interface PakoInflater {
  result?: Uint8Array;
  err: number;
  msg: string;
  strm: { avail_in: number };
  push(data: Uint8Array, mode?: boolean | number): boolean;
}

interface PakoLike {
  inflate?: (data: Uint8Array) => Uint8Array;
  deflate?: (data: Uint8Array) => Uint8Array;
  Inflate?: new () => PakoInflater;
}

function nativeInflaterClass(PakoInflate: new () => PakoInflater) {
  return class NativeInflate implements PakoInflater {
    result?: Uint8Array;
    err = 0;
    msg = '';
    strm = { avail_in: 0 };
    private fallback?: PakoInflater;

    push(data: Uint8Array, mode?: boolean | number): boolean {
      if (this.fallback) return this.delegate(data, mode);
      try {
        const { buffer, engine } = inflateSync(data, { info: true }) as unknown as {
          buffer: Buffer;
          engine: { bytesWritten: number };
        };
        this.result = buffer;
        this.strm.avail_in = data.length - engine.bytesWritten;
        return true;
      } catch (error) {
        if ((error as { code?: string }).code !== 'Z_BUF_ERROR') {
          this.err = (error as { errno?: number }).errno ?? -3;
          this.msg = (error as Error).message;
          return false;
        }
        // The stream goes on in the next chunk: continue with pako, which keeps state across pushes.
        this.fallback = new PakoInflate();
        return this.delegate(data, mode);
      }
    }

    private delegate(data: Uint8Array, mode?: boolean | number): boolean {
      const inflater = this.fallback as PakoInflater;
      const ok = inflater.push(data, mode);
      this.result = inflater.result;
      this.err = inflater.err;
      this.msg = inflater.msg;
      this.strm = inflater.strm;
      return ok;
    }
  };
}

let installed = false;

/** Points isomorphic-git's pako at node:zlib; idempotent, and a no-op if pako cannot be found. */
export function useNativeZlib(): void {
  if (installed) return;
  installed = true;
  let pako: PakoLike;
  try {
    // Resolve pako from isomorphic-git's own location so we patch the instance it uses.
    const require = createRequire(import.meta.resolve('isomorphic-git'));
    pako = require('pako') as PakoLike;
  } catch {
    return;
  }
  if (typeof pako.inflate !== 'function' || typeof pako.deflate !== 'function') return;
  pako.inflate = (data) => inflateSync(data);
  pako.deflate = (data) => deflateSync(data);
  if (typeof pako.Inflate === 'function') pako.Inflate = nativeInflaterClass(pako.Inflate);
}
