// Helm repository indexes (spec source.md §4): parse YAML or JSON, require apiVersion, drop
// invalid entries, sort each chart's versions newest first, serialise as indented JSON (valid
// YAML) for the artifact; pick a chart version by SemVer range (§5).
import semver from 'semver';
import { loadYaml } from './load-yaml.js';

export interface ChartVersionEntry {
  name: string;
  version: string;
  urls?: string[];
  digest?: string;
  apiVersion?: string;
  appVersion?: string;
  created?: string;
  [field: string]: unknown;
}

export interface RepositoryIndex {
  apiVersion: string;
  entries: Record<string, ChartVersionEntry[]>;
  generated?: string;
  [field: string]: unknown;
}

export class IndexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IndexError';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseDocument(text: string): unknown {
  const trimmed = text.trimStart();
  // JSON first: it is the artifact form, and JSON.parse is far faster.
  if (trimmed.startsWith('{')) {
    try {
      return JSON.parse(trimmed);
    } catch {
      // not JSON after all: YAML flow mappings start with '{' too
    }
  }
  return loadYaml(text);
}

/** Chart version ordering used by Helm: SemVer descending, unparsable versions last. */
export function compareVersionsDescending(a: string, b: string): number {
  const va = semver.parse(a, { loose: true });
  const vb = semver.parse(b, { loose: true });
  if (va && vb) return semver.rcompare(va, vb);
  if (va) return -1;
  if (vb) return 1;
  return 0;
}

function validEntry(name: string, entry: unknown): ChartVersionEntry | undefined {
  if (!isRecord(entry)) return undefined;
  const version = entry.version;
  if (typeof version !== 'string' && typeof version !== 'number') return undefined;
  const versionText = String(version);
  // Masterminds also accepts 'v1' and '1.2' as versions.
  if (!semver.parse(versionText, { loose: true }) && !/^v?[0-9]+(\.[0-9]+)?$/.test(versionText))
    return undefined;
  const entryName = typeof entry.name === 'string' && entry.name !== '' ? entry.name : name;
  if (entryName !== name) return undefined;
  return {
    ...entry,
    name: entryName,
    version: versionText,
    apiVersion: typeof entry.apiVersion === 'string' && entry.apiVersion ? entry.apiVersion : 'v1',
  };
}

/** Parses and normalises index bytes; throws IndexError on anything that is not an index. */
export function parseIndex(bytes: Buffer | string): RepositoryIndex {
  let document: unknown;
  try {
    document = parseDocument(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch (error) {
    throw new IndexError(`error unmarshaling index: ${(error as Error).message}`);
  }
  if (!isRecord(document)) throw new IndexError('error unmarshaling index: not a mapping');
  if (typeof document.apiVersion !== 'string' || document.apiVersion === '')
    throw new IndexError('no API version specified');
  const entries: Record<string, ChartVersionEntry[]> = {};
  const rawEntries = isRecord(document.entries) ? document.entries : {};
  for (const name of Object.keys(rawEntries).sort()) {
    const list = rawEntries[name];
    if (!Array.isArray(list)) continue;
    const valid = list
      .map((entry) => validEntry(name, entry))
      .filter((e): e is ChartVersionEntry => e !== undefined);
    entries[name] = valid.sort((a, b) => compareVersionsDescending(a.version, b.version));
  }
  return { ...document, apiVersion: document.apiVersion, entries };
}

/** The artifact form of an index: indented JSON. */
export function serializeIndex(index: RepositoryIndex): string {
  return `${JSON.stringify(index, null, 2)}\n`;
}

/** Masterminds-style constraint → node-semver range (`,` means AND). */
export function toSemverRange(constraint: string): string {
  return constraint
    .split('||')
    .map((part) => part.replace(/,/g, ' ').trim())
    .join(' || ');
}

export class ChartNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChartNotFoundError';
  }
}

/**
 * The newest entry of `chart` whose version satisfies `constraint` (default `*`); prereleases
 * only when the range names one (node-semver's rule, like Masterminds).
 */
export function selectChartVersion(
  index: RepositoryIndex,
  chart: string,
  constraint = '*',
): ChartVersionEntry {
  const versions = index.entries[chart];
  if (!versions || versions.length === 0) throw new ChartNotFoundError(`no chart name found: ${chart}`);
  const wanted = constraint.trim() === '' ? '*' : constraint;
  const exact = versions.find((v) => v.version === wanted);
  if (exact) return exact;
  let range: semver.Range;
  try {
    range = new semver.Range(toSemverRange(wanted), { loose: true });
  } catch {
    throw new ChartNotFoundError(`invalid chart version constraint '${constraint}'`);
  }
  for (const entry of versions) {
    const parsed = semver.parse(entry.version, { loose: true });
    if (parsed && range.test(parsed)) return entry;
  }
  throw new ChartNotFoundError(`no '${chart}' chart with version matching '${constraint}' found`);
}
