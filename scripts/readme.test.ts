// The README's configuration reference must name every FLOTILLA_ variable the code reads.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOST_OPTIONS, envName } from '@flotilla/runtime';

const root = join(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'test-support' ? [] : sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('README configuration reference', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');

  it('lists every controller flag with its environment variable', () => {
    for (const option of Object.values(HOST_OPTIONS)) {
      expect(readme).toContain(`\`--${option.flag}\``);
      expect(readme).toContain(`\`${envName(option)}\``);
    }
  });

  it('names every FLOTILLA_ variable read by the libraries', () => {
    const read = new Set<string>();
    for (const group of ['libs', 'services']) {
      for (const pkg of readdirSync(join(root, group))) {
        const src = join(root, group, pkg, 'src');
        if (pkg === 'testing') continue; // test servers, not Flotilla configuration
        for (const file of statSync(src, { throwIfNoEntry: false }) ? sourceFiles(src) : []) {
          for (const match of readFileSync(file, 'utf8').matchAll(/'(FLOTILLA_[A-Z0-9_]+)'/g))
            read.add(match[1] ?? '');
        }
      }
    }
    expect(read.size).toBeGreaterThan(20);
    const missing = [...read].filter((name) => !readme.includes(name.replace(/_FILE$/, '')));
    expect(missing).toEqual([]);
  });
});
