// The file system isomorphic-git is given: node's callback API rather than fs.promises, whose
// FileHandle per call costs measurably more CPU when a checkout writes thousands of files.
import fs from 'node:fs';
import type { CallbackFsClient } from 'isomorphic-git';
import { FileSystem } from 'isomorphic-git/models';

const nodeFs: CallbackFsClient = {
  readFile: fs.readFile,
  writeFile: fs.writeFile,
  mkdir: fs.mkdir,
  rmdir: fs.rmdir,
  unlink: fs.unlink,
  stat: fs.stat,
  lstat: fs.lstat,
  readdir: fs.readdir,
  readlink: fs.readlink,
  symlink: fs.symlink,
  chmod: fs.chmod,
  rm: fs.rm,
} as CallbackFsClient;

/**
 * Wrapped once: isomorphic-git wraps a plain fs object again on every API call (probing it twice with
 * a `readFile()` that throws), but uses one it has already wrapped as it is.
 */
export const gitFiles = new FileSystem(nodeFs);

/** gitFiles, typed as what isomorphic-git's API takes. */
export const gitFs = gitFiles as unknown as CallbackFsClient;
