/**
 * Sprig's semverCompare with Masterminds/semver v3 parsing, on npm `semver` for ordering.
 * `semver` itself needs a struct value with methods, which @flotilla/gotemplate does not export yet.
 */
import { FuncError, type FuncMap } from '@flotilla/gotemplate';
import semver from 'semver';
import { def } from './convert.js';

/** Masterminds' loose version form: optional `v`, minor and patch may be omitted. */
const VERSION_PATTERN =
  /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

export interface Version {
  major: bigint;
  minor: bigint;
  patch: bigint;
  prerelease: string;
  metadata: string;
  original: string;
}

/** semver.NewVersion. */
export function parseVersion(text: string): Version {
  const m = VERSION_PATTERN.exec(text);
  if (!m) throw new FuncError('Invalid Semantic Version');
  return {
    major: BigInt(m[1] as string),
    minor: BigInt(m[2] ?? 0),
    patch: BigInt(m[3] ?? 0),
    prerelease: m[4] ?? '',
    metadata: m[5] ?? '',
    original: text,
  };
}

/** Canonical `X.Y.Z[-pre]` (metadata never affects precedence). */
function canonical(v: Version): string {
  return `${v.major}.${v.minor}.${v.patch}${v.prerelease ? `-${v.prerelease}` : ''}`;
}

export function compareVersions(a: Version, b: Version): number {
  return semver.compare(canonical(a), canonical(b));
}

/**
 * Masterminds constraint syntax to an npm range: commas are AND (npm uses spaces), `||` stays,
 * and loose versions inside comparators are expanded by npm's own partial-version rules.
 */
export function toNpmRange(constraint: string): string {
  const range = constraint
    .split('||')
    .map((alt) =>
      alt
        .split(',')
        .map((c) => c.trim().replace(/(=|>=?|<=?|~>?|\^)\s+(?=[\dvxX*])/g, '$1'))
        .join(' '),
    )
    .join(' || ');
  const valid = semver.validRange(range.replace(/(^|\s)v(?=\d)/g, '$1'), { loose: true });
  if (valid === null) throw new FuncError(`improper constraint: ${constraint}`);
  return valid;
}

/** semverCompare: whether the version satisfies the constraint. */
export function semverCompare(constraint: string, version: string): boolean {
  const range = toNpmRange(constraint);
  const v = parseVersion(version);
  return semver.satisfies(canonical(v), range);
}

export function semverFunctions(): FuncMap {
  return {
    semverCompare: def('semverCompare', ['string', 'string'], (c, v) =>
      semverCompare(c as string, v as string),
    ),
  };
}
