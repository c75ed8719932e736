import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BucketIndex } from './bucket-index.js';
import { localPathOf, endpointUrl, UnsafeObjectKeyError } from './s3-fetch.js';

describe('Bucket index (source.md §6)', () => {
  it('skips directory markers, .sourceignore and ignored keys; revision over sorted key/etag lines', () => {
    const index = new BucketIndex(BucketIndex.patterns('*.txt\n', '# c\nsecret/\n'));
    expect(index.add('b.yaml', '"etag-b"')).toBe(true);
    expect(index.add('a.yaml', 'etag-a')).toBe(true);
    expect(index.add('dir/', '')).toBe(false);
    expect(index.add('.sourceignore', 'x')).toBe(false);
    expect(index.add('notes.txt', 'x')).toBe(false);
    expect(index.add('secret/key.yaml', 'x')).toBe(false);
    expect(index.keys()).toEqual(['a.yaml', 'b.yaml']);
    const expected = createHash('sha256').update('a.yaml etag-a\nb.yaml etag-b\n').digest('hex');
    expect(index.revision()).toBe(`sha256:${expected}`);
  });

  it('keeps downloads inside the target directory and builds endpoint URLs', () => {
    expect(localPathOf('/tmp/x', 'a/b.yaml')).toBe('/tmp/x/a/b.yaml');
    expect(() => localPathOf('/tmp/x', '../evil')).toThrow(UnsafeObjectKeyError);
    expect(() => localPathOf('/tmp/x', 'a/../../evil')).toThrow(UnsafeObjectKeyError);
    expect(endpointUrl('minio:9000', true)).toBe('http://minio:9000');
    expect(endpointUrl('s3.amazonaws.com', false)).toBe('https://s3.amazonaws.com');
    expect(endpointUrl('http://127.0.0.1:9000', false)).toBe('http://127.0.0.1:9000');
  });
});
