/**
 * Helm's `.Files` (engine.files, a map[string][]byte with methods): Get, GetBytes, Glob, Lines,
 * AsConfig, AsSecrets. File contents are held as strings (UTF-8 decoded), so `printf "%s"` and
 * `toString` behave as with Go's []byte.
 */
import { withMethods, type GoMap, type GoValue } from '@flotilla/gotemplate';
import { def } from '../sprig/convert.js';
import { toYaml } from '../funcs/yaml.js';
import type { ChartFile } from '../chart/types.js';
import { compileGlob, GlobSyntaxError } from './glob.js';

const utf8 = new TextDecoder();

function baseName(p: string): string {
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return p === '' ? '.' : '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function base64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

/** A files value over name → content. */
export function filesValue(entries: Record<string, string>): GoMap {
  const files: GoMap = { ...entries };
  const get = (name: GoValue): string => {
    const v = Object.hasOwn(files, name as string) ? files[name as string] : undefined;
    return typeof v === 'string' ? v : '';
  };
  return withMethods(files, {
    Get: def('Get', ['string'], (name) => get(name)),
    GetBytes: def('GetBytes', ['string'], (name) => get(name)),
    Glob: def('Glob', ['string'], (pattern) => glob(files, pattern as string)),
    Lines: def('Lines', ['string'], (name) => {
      const s = get(name);
      if (s === '') return [];
      return (s.endsWith('\n') ? s.slice(0, -1) : s).split('\n');
    }),
    AsConfig: def('AsConfig', [], () => toYaml(byBaseName(files, (s) => s))),
    AsSecrets: def('AsSecrets', [], () => toYaml(byBaseName(files, base64))),
  });
}

function byBaseName(files: GoMap, conv: (s: string) => string): GoMap {
  const m: GoMap = {};
  for (const [k, v] of Object.entries(files)) m[baseName(k)] = conv(typeof v === 'string' ? v : '');
  return m;
}

function glob(files: GoMap, pattern: string): GoMap {
  let match: (name: string) => boolean;
  try {
    match = compileGlob(pattern);
  } catch (e) {
    // Helm falls back to "**" when the pattern does not compile.
    if (!(e instanceof GlobSyntaxError)) throw e;
    match = () => true;
  }
  const selected: Record<string, string> = {};
  for (const [k, v] of Object.entries(files)) if (match(k)) selected[k] = v as string;
  return filesValue(selected);
}

/** `.Files` of a chart: its non-template files. */
export function chartFiles(files: ChartFile[]): GoMap {
  const entries: Record<string, string> = {};
  for (const f of files) entries[f.name] = utf8.decode(f.data);
  return filesValue(entries);
}
