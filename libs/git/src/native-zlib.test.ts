import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useNativeZlib } from './native-zlib.js';

interface Inflater {
  result?: Uint8Array;
  err: number;
  strm: { avail_in: number };
  push(data: Uint8Array, mode?: boolean): boolean;
}

const pako = createRequire(import.meta.resolve('isomorphic-git'))('pako') as {
  inflate(data: Uint8Array): Uint8Array;
  Inflate: new () => Inflater;
};

describe('native zlib for isomorphic-git', () => {
  useNativeZlib();
  const data = Buffer.concat([Buffer.from('apiVersion: v1\n'.repeat(40)), randomBytes(3000)]);
  const compressed = deflateSync(data);
  const trailing = Buffer.from('next object bytes');

  it('inflates one-shot input that runs past the end of the stream', () => {
    expect(Buffer.from(pako.inflate(Buffer.concat([compressed, trailing])))).toEqual(data);
    expect(() => pako.inflate(Buffer.from([0x78, 0x9c, 0xff, 0x00, 0x13]))).toThrow();
  });

  it('reports how much of the chunk the stream left unread', () => {
    const inflater = new pako.Inflate();
    inflater.push(Buffer.concat([compressed, trailing]), false);
    expect(Buffer.from(inflater.result as Uint8Array)).toEqual(data);
    expect(inflater.strm.avail_in).toBe(trailing.length);
  });

  it('falls back to streaming for a stream split across chunks', () => {
    const inflater = new pako.Inflate();
    const cut = Math.floor(compressed.length / 2);
    inflater.push(compressed.subarray(0, cut), false);
    expect(inflater.result).toBeFalsy();
    inflater.push(Buffer.concat([compressed.subarray(cut), trailing]), false);
    expect(Buffer.from(inflater.result as Uint8Array)).toEqual(data);
    expect(inflater.strm.avail_in).toBe(trailing.length);
    expect(inflater.err).toBe(0);
  });

  it('flags corrupt input', () => {
    const inflater = new pako.Inflate();
    inflater.push(Buffer.from([0x78, 0x9c, 0xff, 0xff, 0xff, 0xff]), false);
    expect(inflater.err).not.toBe(0);
  });
});
