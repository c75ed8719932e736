// Flux's source ignore rules (spec source.md §1.1): .gitignore syntax; the VCS set is always
// excluded; the default set applies only while the user gave no patterns at all (every
// `.sourceignore` file, each relative to its own directory, then `spec.ignore`).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ignore, { type Ignore } from 'ignore';

export const VCS_PATTERNS: readonly string[] = ['.git/', '.gitignore', '.gitmodules', '.gitattributes'];

export const DEFAULT_PATTERNS: readonly string[] = [
  '*.jpg',
  '*.jpeg',
  '*.gif',
  '*.png',
  '*.wmv',
  '*.flv',
  '*.tar.gz',
  '*.zip',
  '.github/',
  '.circleci/',
  '.travis.yml',
  '.gitlab-ci.yml',
  'appveyor.yml',
  '.drone.yml',
  'cloudbuild.yaml',
  'codeship-services.yml',
  'codeship-steps.yml',
  '**/.goreleaser.yml',
  '**/.sops.yaml',
  '**/.flux.yaml',
];

export const SOURCE_IGNORE_FILE = '.sourceignore';

/** Pattern lines of a .gitignore-style text: blank lines and `#` comments dropped. */
export function readPatterns(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/\s+$/, ''))
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

/**
 * Rewrites a pattern read from `<dir>/.sourceignore` so that it means the same thing relative to
 * the root: anchored patterns (a `/` before the last character) get the directory in front,
 * unanchored ones match at any depth below it.
 */
export function scopePattern(pattern: string, dir: string): string {
  if (dir === '') return pattern;
  const negated = pattern.startsWith('!');
  let body = negated ? pattern.slice(1) : pattern;
  const trimmed = body.endsWith('/') ? body.slice(0, -1) : body;
  const anchored = trimmed.includes('/');
  body = body.replace(/^\//, '');
  const scoped = anchored ? `${dir}/${body}` : `${dir}/**/${body}`;
  return negated ? `!${scoped}` : scoped;
}

/** Every `.sourceignore` below `root` (`.git` directories skipped), patterns scoped to their directory. */
export async function loadSourceIgnoreFiles(root: string, dir = ''): Promise<string[]> {
  const entries = await readdir(join(root, dir), { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const patterns: string[] = [];
  const own = entries.find((e) => e.isFile() && e.name === SOURCE_IGNORE_FILE);
  if (own) {
    const text = await readFile(join(root, dir, SOURCE_IGNORE_FILE), 'utf8');
    patterns.push(...readPatterns(text).map((p) => scopePattern(p, dir)));
  }
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name === '.git') continue;
    patterns.push(...(await loadSourceIgnoreFiles(root, dir ? `${dir}/${entry.name}` : entry.name)));
  }
  return patterns;
}

export interface IgnoreMatcher {
  /** The patterns in force, in order (VCS, then defaults or user patterns). */
  readonly patterns: readonly string[];
  /** True when the relative '/'-separated path is excluded. */
  ignores(path: string, isDirectory: boolean): boolean;
}

/** The matcher for user patterns (from .sourceignore files and spec.ignore), with Flux's defaults rule. */
export function ignoreMatcher(userPatterns: readonly string[]): IgnoreMatcher {
  const patterns = [...VCS_PATTERNS, ...(userPatterns.length > 0 ? userPatterns : DEFAULT_PATTERNS)];
  const matcher: Ignore = ignore({ allowRelativePaths: true }).add(patterns);
  return {
    patterns,
    ignores: (path, isDirectory) => matcher.ignores(isDirectory ? `${path}/` : path),
  };
}

/** The matcher for a checked-out tree: its .sourceignore files plus `spec.ignore`. */
export async function treeIgnoreMatcher(
  root: string,
  specIgnore: string | undefined,
): Promise<IgnoreMatcher> {
  return ignoreMatcher([...(await loadSourceIgnoreFiles(root)), ...readPatterns(specIgnore)]);
}
