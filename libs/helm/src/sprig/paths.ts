/** Go's path and path/filepath (Linux) functions as Sprig exposes them. */
import { type FuncMap, type GoValue } from '@flotilla/gotemplate';
import { def } from './convert.js';

/** path.Clean: lexical shortest equivalent path. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..') out.push(part);
    else if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (!rooted) out.push('..');
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** path.Base: last element, trailing slashes ignored. */
export function basePath(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** path.Dir: everything but the last element, cleaned. */
export function dirPath(p: string): string {
  return cleanPath(p.slice(0, p.lastIndexOf('/') + 1));
}

/** path.Ext: the suffix from the last dot of the last element. */
export function extPath(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) if (p[i] === '.') return p.slice(i);
  return '';
}

export function pathFunctions(): FuncMap {
  const str = (v: GoValue): string => v as string;
  const fns: Record<string, (p: string) => GoValue> = {
    base: basePath,
    dir: dirPath,
    clean: cleanPath,
    ext: extPath,
    isAbs: (p) => p.startsWith('/'),
  };
  const out: FuncMap = {};
  for (const [name, impl] of Object.entries(fns)) {
    const osName = `os${name[0]?.toUpperCase()}${name.slice(1)}`;
    out[name] = def(name, ['string'], (p) => impl(str(p)));
    // filepath's functions equal path's on Linux, which is what Helm's corpus assumes.
    out[osName] = def(osName, ['string'], (p) => impl(str(p)));
  }
  return out;
}
