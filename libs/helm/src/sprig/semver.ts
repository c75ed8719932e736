/**
 * Sprig's semver and semverCompare with Masterminds/semver v3 parsing, on npm `semver` for ordering.
 * `semver` returns a *semver.Version struct with Masterminds' methods (Major, Compare, …).
 */
import {
  FuncError,
  GoFunc,
  GoStruct,
  type FuncMap,
  type GoValue,
  type ParamType,
} from '@flotilla/gotemplate';
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
  const valid = semver.validRange(expandPrerelease(range.replace(/(^|\s)v(?=\d)/g, '$1')), { loose: true });
  if (valid === null) throw new FuncError(`improper constraint: ${constraint}`);
  return valid;
}

/** Masterminds reads "1.21-0" as 1.21.0-0; npm needs the missing parts written out. */
function expandPrerelease(range: string): string {
  return range.replace(
    /(^|[\s=<>~^])(\d+)(?:\.(\d+))?(?:\.(\d+))?-(?=[0-9A-Za-z])/g,
    (_m, pre: string, major: string, minor?: string, patch?: string) =>
      `${pre}${major}.${minor ?? '0'}.${patch ?? '0'}-`,
  );
}

/**
 * semverCompare: whether the version satisfies the constraint. As in Masterminds, a constraint
 * with a prerelease part lets prerelease versions match (">=1.21-0" accepts "1.29.0-gke.1").
 */
export function semverCompare(constraint: string, version: string): boolean {
  const range = toNpmRange(constraint);
  const v = parseVersion(version);
  const includePrerelease = /\d-[0-9A-Za-z]/.test(constraint);
  return semver.satisfies(canonical(v), range, { includePrerelease });
}

const versions = new WeakMap<GoStruct, Version>();

function versionString(v: Version): string {
  const pre = v.prerelease ? `-${v.prerelease}` : '';
  const meta = v.metadata ? `+${v.metadata}` : '';
  return `${v.major}.${v.minor}.${v.patch}${pre}${meta}`;
}

function otherVersion(o: GoValue): Version {
  const v = o instanceof GoStruct ? versions.get(o) : undefined;
  if (!v) throw new FuncError('wrong type for value; expected *semver.Version');
  return v;
}

function method(name: string, params: ParamType[], impl: (...a: GoValue[]) => GoValue): GoFunc {
  return new GoFunc(name, impl, { params });
}

/** A *semver.Version template value. */
export function versionValue(v: Version): GoStruct {
  const withVersion = (changes: Partial<Version>): GoStruct => {
    const next = { ...v, ...changes };
    return versionValue({ ...next, original: versionString(next) });
  };
  const s = new GoStruct(
    '*semver.Version',
    {},
    {
      Major: method('Major', [], () => v.major),
      Minor: method('Minor', [], () => v.minor),
      Patch: method('Patch', [], () => v.patch),
      Prerelease: method('Prerelease', [], () => v.prerelease),
      Metadata: method('Metadata', [], () => v.metadata),
      Original: method('Original', [], () => v.original),
      String: method('String', [], () => versionString(v)),
      Compare: method('Compare', ['value'], (o) => BigInt(compareVersions(v, otherVersion(o)))),
      LessThan: method('LessThan', ['value'], (o) => compareVersions(v, otherVersion(o)) < 0),
      GreaterThan: method('GreaterThan', ['value'], (o) => compareVersions(v, otherVersion(o)) > 0),
      Equal: method('Equal', ['value'], (o) => compareVersions(v, otherVersion(o)) === 0),
      IncMajor: method('IncMajor', [], () =>
        withVersion({ major: v.major + 1n, minor: 0n, patch: 0n, prerelease: '', metadata: '' }),
      ),
      IncMinor: method('IncMinor', [], () =>
        withVersion({ minor: v.minor + 1n, patch: 0n, prerelease: '', metadata: '' }),
      ),
      // Masterminds: a prerelease version's patch increment just drops the prerelease.
      IncPatch: method('IncPatch', [], () =>
        withVersion({ patch: v.prerelease ? v.patch : v.patch + 1n, prerelease: '', metadata: '' }),
      ),
    },
  );
  versions.set(s, v);
  return s;
}

export function semverFunctions(): FuncMap {
  return {
    semver: def('semver', ['string'], (v) => versionValue(parseVersion(v as string))),
    semverCompare: def('semverCompare', ['string', 'string'], (c, v) =>
      semverCompare(c as string, v as string),
    ),
  };
}
