// Scratch directories for the tests of one file, each removed once the test that made it ends.
import { afterEach } from 'vitest';
import { makeTempDir, removeDir } from '../process.js';

/** Returns a maker of fresh temp dirs (`prefix-…`); registers their removal after each test. */
export function tempDirPerTest(prefix: string): () => Promise<string> {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => removeDir(dir)));
  });
  return async () => {
    const dir = await makeTempDir(prefix);
    dirs.push(dir);
    return dir;
  };
}
