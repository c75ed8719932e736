// The file system isomorphic-git is given: node's callback API rather than fs.promises, whose
// FileHandle per call costs measurably more CPU when a checkout writes thousands of files.
import fs from 'node:fs';

export const gitFs = {
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
};
