/**
 * `helm template` (action.Install in client-only dry-run mode plus cmd/helm/template.go): values
 * from the command line, dependency processing, render, manifest split and sort, hooks, CRDs,
 * `--show-only` and `--output-dir`, with Helm's output format and error messages.
 */
import { posix } from 'node:path';
import { Template, type GoMap } from '@flotilla/gotemplate';
import { HelmError } from '../chart/errors.js';
import { cloneChart, processDependencies } from '../chart/dependencies.js';
import { goMatch } from '../chart/gomatch.js';
import type { Chart } from '../chart/types.js';
import { chartFullPath } from '../engine/engine.js';
import { sprigFunctions } from '../sprig/index.js';
import type { LookupFn } from '../funcs/index.js';
import { buildCapabilities, renderRelease, RenderFailure } from './engine-adapter.js';
import {
  goTrimSpace,
  isTestHook,
  sortManifests,
  splitManifests,
  type Hook,
  type Manifest,
} from './manifests.js';
import { mergeValueOptions, type ReadFile, type ValuesOptions } from './values-options.js';

export interface TemplateOptions extends ValuesOptions {
  /** Release name (`helm template NAME`); default Helm's `release-name`. */
  releaseName?: string;
  /** `--name-template`, rendered with Sprig when no name is given. */
  nameTemplate?: string;
  namespace?: string;
  /** `--kube-version`; default the engine's built-in Kubernetes version. */
  kubeVersion?: string;
  apiVersions?: readonly string[];
  includeCrds?: boolean;
  /** `--skip-crds` only matters to installs; accepted for the same command line. */
  skipCrds?: boolean;
  noHooks?: boolean;
  skipTests?: boolean;
  showOnly?: readonly string[];
  /** `--output-dir`: documents go to `files` (and the CLI writes them) instead of stdout. */
  outputDir?: string;
  /** Reads `-f` and `--set-file` paths; default: the local file system. */
  readFile?: ReadFile;
  /** Kubernetes-backed `lookup`; without it `lookup` returns an empty map, as `helm template` does. */
  lookup?: LookupFn;
  /** User values already merged (see mergeUserValues); when set, the value flags above are not read again. */
  values?: GoMap;
}

/** values.Options.MergeValues: `-f`, `--set`, `--set-string` and `--set-file`, in Helm's order. */
export function mergeUserValues(options: TemplateOptions): GoMap {
  return mergeValueOptions(options, options.readFile ?? goReadFile);
}

export interface TemplateResult {
  /** What `helm template` prints on stdout. */
  stdout: string;
  /** With `outputDir`: path under the output directory → content, in the order Helm writes them. */
  files: Map<string, string>;
  /** Warnings Helm prints on stderr. */
  warnings: string[];
  /** The release's manifests in install order (what a release would apply). */
  manifests: Manifest[];
  /** The release's hooks, sorted by kind as Helm stores them. */
  hooks: Hook[];
  /** The root chart's rendered NOTES.txt (never printed by `helm template`). */
  notes: string;
}

export { RenderFailure };

export const DEFAULT_RELEASE_NAME = 'release-name';
const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_RELEASE_NAME = 53;

/** chartutil.ValidateReleaseName, wrapped as Install.availableName reports it. */
export function validateReleaseName(name: string): void {
  if (name === '') throw new HelmError(`release name "${name}": no name provided`);
  if (name.length > MAX_RELEASE_NAME || !RELEASE_NAME.test(name))
    throw new HelmError(
      `release name "${name}": invalid release name, must match regex ${RELEASE_NAME.source} and the length must not be longer than ${MAX_RELEASE_NAME}`,
    );
}

/** action.TemplateName: the name template rendered with Sprig and no data. */
export function templateName(nameTemplate: string): string {
  return Template.parse('name-template', nameTemplate, { funcs: sprigFunctions() }).execute(null);
}

function releaseNameOf(options: TemplateOptions): string {
  if (options.releaseName !== undefined) {
    if (options.nameTemplate) throw new HelmError('cannot set --name-template and also specify a name');
    return options.releaseName;
  }
  if (options.nameTemplate) return templateName(options.nameTemplate);
  return DEFAULT_RELEASE_NAME;
}

/** action.CheckDependencies with the hint runInstall adds. */
function checkDependencies(chart: Chart): void {
  const reqs = chart.metadata.dependencies;
  if (reqs === undefined) return;
  const missing = reqs
    .filter((r) => !chart.dependencies.some((d) => d.metadata.name === r.name))
    .map((r) => r.name);
  if (missing.length > 0)
    throw new HelmError(
      `An error occurred while checking for chart dependencies. You may need to run \`helm dependency build\` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: ${missing.join(', ')}`,
    );
}

function goReadFile(path: string): Uint8Array {
  const fs = process.getBuiltinModule('node:fs');
  try {
    return fs.readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file or directory'
        : code === 'EISDIR'
          ? 'is a directory'
          : (error as Error).message;
    throw new HelmError(`open ${path}: ${reason}`);
  }
}

/**
 * Renders a loaded chart as `helm template` does. The chart itself is not modified, so one loaded
 * chart can be templated many times.
 */
export function templateChart(loaded: Chart, options: TemplateOptions = {}): TemplateResult {
  const caps = buildCapabilities({
    ...(options.kubeVersion !== undefined ? { kubeVersion: options.kubeVersion } : {}),
    apiVersions: [...(options.apiVersions ?? [])],
  });
  const name = releaseNameOf(options);
  const userValues = options.values ?? mergeUserValues(options);
  const type = loaded.metadata.type;
  if (type !== undefined && type !== '' && type !== 'application')
    throw new HelmError(`${type} charts are not installable`);
  const warnings = loaded.metadata.deprecated ? ['This chart is deprecated'] : [];
  checkDependencies(loaded);
  validateReleaseName(name);
  const chart = cloneChart(loaded);
  processDependencies(chart, userValues);
  const release = {
    name,
    namespace: options.namespace ?? 'default',
    revision: 1,
    isInstall: true,
    isUpgrade: false,
  };
  const files = renderRelease(chart, userValues, release, caps, options.lookup);
  return { ...printRelease(chart, files, options), warnings };
}

/** A chart's CRDs (crds/*.yaml|yml|json), then its subcharts', as Chart.CRDObjects lists them. */
export function crdObjects(chart: Chart): { filename: string; content: string }[] {
  const out: { filename: string; content: string }[] = [];
  const decoder = new TextDecoder();
  for (const f of chart.files) {
    if (!f.name.startsWith('crds/')) continue;
    const ext = posix.extname(f.name).toLowerCase();
    if (ext !== '.yaml' && ext !== '.yml' && ext !== '.json') continue;
    out.push({ filename: `${chartFullPath(chart)}/${f.name}`, content: decoder.decode(f.data) });
  }
  for (const dep of chart.dependencies) out.push(...crdObjects(dep));
  return out;
}

function source(path: string, content: string): string {
  return `---\n# Source: ${path}\n${content}\n`;
}

/** Where documents go: the release manifest text, or files under --output-dir. */
class Sink {
  manifest = '';
  readonly files = new Map<string, string>();
  readonly log: string[] = [];
  /** Paths written in the current phase; a path's first write in a phase truncates the file, as Helm's does. */
  private written = new Set<string>();

  constructor(private readonly outputDir: string | undefined) {}

  add(path: string, content: string): void {
    if (this.outputDir === undefined) {
      this.manifest += source(path, content);
      return;
    }
    const previous = this.written.has(path) ? (this.files.get(path) ?? '') : '';
    this.files.set(path, previous + source(path, content));
    this.written.add(path);
    this.log.push(`wrote ${this.outputDir}/${path}\n`);
  }

  /** template.go writes hooks with a fresh written-files map. */
  nextPhase(): void {
    this.written = new Set();
  }
}

/** renderResources from the sort on, then template.go's printing. */
function printRelease(
  chart: Chart,
  files: Record<string, string>,
  options: TemplateOptions,
): Omit<TemplateResult, 'warnings'> {
  const templates: Record<string, string> = {};
  const notesPath = `${chart.metadata.name}/templates/NOTES.txt`;
  let notes = '';
  for (const [path, content] of Object.entries(files)) {
    // Only the root chart's notes are kept; every NOTES.txt is left out of the manifests.
    if (path === notesPath) notes = content;
    else if (!path.endsWith('NOTES.txt')) templates[path] = content;
  }
  let sorted: { hooks: Hook[]; manifests: Manifest[] };
  try {
    sorted = sortManifests(templates);
  } catch (error) {
    throw new RenderFailure(error);
  }
  const sink = new Sink(options.outputDir);
  if (options.includeCrds) for (const crd of crdObjects(chart)) sink.add(crd.filename, crd.content);
  for (const m of sorted.manifests) sink.add(m.name, m.content);
  const manifestText = sink.manifest;
  sink.manifest = '';
  sink.nextPhase();
  if (!options.noHooks) {
    for (const hook of sorted.hooks)
      if (!(options.skipTests && isTestHook(hook))) sink.add(hook.path, hook.manifest);
  }
  const manifests = `${goTrimSpace(manifestText)}\n${sink.manifest}`;
  const showOnly = options.showOnly ?? [];
  const body = showOnly.length === 0 ? manifests : showOnlyOutput(manifests, showOnly);
  return {
    stdout: sink.log.join('') + body,
    files: sink.files,
    manifests: sorted.manifests,
    hooks: sorted.hooks,
    notes,
  };
}

const MANIFEST_NAME = /# Source: [^/]+\/(.+)/;

/** template.go's --show-only: documents whose `# Source:` path (minus the chart name) matches a glob. */
export function showOnlyOutput(manifests: string, patterns: readonly string[]): string {
  const docs = splitManifests(manifests);
  const picked: string[] = [];
  for (const raw of patterns) {
    const pattern = raw.replaceAll('\\', '/');
    let missing = true;
    for (const doc of docs) {
      const match = MANIFEST_NAME.exec(doc);
      if (match === null || !safeMatch(pattern, match[1] as string)) continue;
      picked.push(doc);
      missing = false;
    }
    if (missing) throw new HelmError(`could not find template ${raw} in chart`);
  }
  return picked.map((doc) => `---\n${doc}\n`).join('');
}

function safeMatch(pattern: string, name: string): boolean {
  try {
    return goMatch(pattern, name);
  } catch {
    return false;
  }
}
