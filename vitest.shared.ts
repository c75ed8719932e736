import { readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

// Tests import workspace packages from their sources, so `npm test` needs no prior build.
export function workspaceAliases(): Record<string, string> {
  const root = import.meta.dirname;
  const aliases: Record<string, string> = {};
  for (const group of ['libs', 'services']) {
    for (const name of readdirSync(join(root, group))) {
      const entry = resolve(root, group, name, 'src/index.ts');
      if (existsSync(entry)) aliases[`@flotilla/${name}`] = entry;
    }
  }
  return aliases;
}
