import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { computeDigest, parseDigest, verifyDigest } from './digest.js';
import { DigestMismatchError, InvalidDigestError } from './errors.js';

const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

async function drain(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

describe('digests', () => {
  it('parses supported algorithms and rejects the rest', () => {
    expect(parseDigest(sha256('x'))).toEqual({ algorithm: 'sha256', hex: sha256('x').slice(7) });
    expect(parseDigest(`sha512:${'A'.repeat(128)}`)).toEqual({ algorithm: 'sha512', hex: 'a'.repeat(128) });
    expect(() => parseDigest('abc')).toThrow(InvalidDigestError);
    expect(() => parseDigest('md5:0123')).toThrow("unsupported algorithm 'md5'");
    expect(() => parseDigest('sha256:abc')).toThrow('expected 64 hex characters');
    expect(() => parseDigest(`sha256:${'g'.repeat(64)}`)).toThrow('expected 64 hex characters');
  });

  it('computes sha256 and size over streams, iterables and buffers', async () => {
    expect(await computeDigest(Buffer.from('hello'))).toEqual({ digest: sha256('hello'), size: 5 });
    expect(await computeDigest(Readable.from([Buffer.from('hel'), Buffer.from('lo')]))).toEqual({
      digest: sha256('hello'),
      size: 5,
    });
    const sha512 = await computeDigest(Buffer.from('hello'), 'sha512');
    expect(sha512.digest).toBe(`sha512:${createHash('sha512').update('hello').digest('hex')}`);
  });

  it('passes matching bytes through and fails the stream on a mismatch', async () => {
    expect(await drain(verifyDigest(Buffer.from('payload'), sha256('payload'), 'x'))).toBe('payload');
    const error = await drain(verifyDigest(Buffer.from('payload'), sha256('other'), 'my/file')).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(DigestMismatchError);
    expect(error).toMatchObject({ path: 'my/file', expected: sha256('other'), actual: sha256('payload') });
    expect((error as Error).message).toContain("artifact 'my/file' digest mismatch");
  });

  it('forwards source errors', async () => {
    async function* broken() {
      yield Buffer.from('a');
      throw new Error('socket hang up');
    }
    await expect(drain(verifyDigest(broken(), sha256('a')))).rejects.toThrow('socket hang up');
  });
});
