import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface Alias {
  find: RegExp;
  replacement: string;
}

// Tests import workspace packages from their sources, so `npm test` needs no prior build:
// `@flotilla/x` → libs/x/src/index.ts, and a subpath export `@flotilla/x/sub` → libs/x/src/sub/index.ts.
export function workspaceAliases(): Alias[] {
  const root = import.meta.dirname;
  const aliases: Alias[] = [];
  for (const group of ['libs', 'services']) {
    for (const name of readdirSync(join(root, group))) {
      const src = resolve(root, group, name, 'src');
      if (!existsSync(join(src, 'index.ts'))) continue;
      aliases.push({ find: new RegExp(`^@flotilla/${name}$`), replacement: join(src, 'index.ts') });
      aliases.push({ find: new RegExp(`^@flotilla/${name}/(.+)$`), replacement: `${src}/$1/index.ts` });
    }
  }
  return aliases;
}
