// SemVer selection over registry tags, as OCIRepository `ref.semver` (+ `semverFilter`) does it:
// tags parsed leniently like Masterminds/semver (`v` prefix, missing minor/patch), Helm's `_` read
// as `+`, the highest match wins and the original tag is returned.
import semver from 'semver';
import { OciConfigError } from './errors.js';

const LENIENT_VERSION =
  /^v?(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?(?:\.(0|[1-9]\d*))?(-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/** The SemVer a tag stands for (`v1.2` → `1.2.0`, `1.0.0_build` → `1.0.0+build`), or undefined. */
export function tagVersion(tag: string): string | undefined {
  const match = LENIENT_VERSION.exec(tag.replaceAll('_', '+'));
  if (!match) return undefined;
  const [, major, minor = '0', patch = '0', prerelease = '', build = ''] = match;
  const version = `${major}.${minor}.${patch}${prerelease}${build}`;
  return semver.valid(version) ? version : undefined;
}

function normaliseRange(range: string): string {
  // Masterminds separates AND-ed comparators with commas; node-semver with spaces.
  const text = range.trim().replaceAll(',', ' ');
  const valid = semver.validRange(text === '' ? '*' : text);
  if (valid === null) throw new OciConfigError(`invalid SemVer range "${range}"`);
  return valid;
}

/**
 * The tag with the highest version in `range`, among tags matching `filter` (an unanchored
 * regex, like `semverFilter`) when given. Prereleases only match a range that names one.
 */
export function selectSemverTag(
  tags: readonly string[],
  range: string,
  options: { filter?: string | RegExp } = {},
): { tag: string; version: string } | undefined {
  const wanted = normaliseRange(range);
  let filter: RegExp | undefined;
  try {
    filter = typeof options.filter === 'string' ? new RegExp(options.filter) : options.filter;
  } catch (error) {
    throw new OciConfigError(
      `invalid semverFilter "${String(options.filter)}": ${(error as Error).message}`,
      error,
    );
  }
  let best: { tag: string; version: string } | undefined;
  for (const tag of tags) {
    if (filter && !filter.test(tag)) continue;
    const version = tagVersion(tag);
    if (!version || !semver.satisfies(version, wanted)) continue;
    if (!best || semver.gt(version, best.version)) best = { tag, version };
  }
  return best;
}
