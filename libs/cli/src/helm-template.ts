// `flotilla helm template [NAME] CHART [flags]`: like `helm template`, printing the rendered
// manifests (or writing them under --output-dir); `Error: <msg>` on stderr and exit 1 on failure.
import { dirname, join } from 'node:path';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { HelmError, loadChart, mergeUserValues, templateChart, type TemplateOptions } from '@flotilla/helm';

export interface CommandIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export const HELM_USAGE = `Usage: flotilla helm template [NAME] CHART [flags]

Flags:
  -n, --namespace NS          namespace of the release (default "default")
  -f, --values FILE           values file (repeatable; later files win)
      --set k=v               set values (repeatable; a=b,c[0]=d)
      --set-string k=v        set string values (repeatable)
      --set-file k=path       set a value to a file's contents (repeatable)
      --kube-version V        Kubernetes version for Capabilities and kubeVersion checks
  -a, --api-versions G/V[/K]  extra API versions for Capabilities (repeatable)
      --include-crds          include the charts' crds/ in the output
      --skip-crds             accepted; CRDs are only printed with --include-crds
      --no-hooks              leave hooks out
      --skip-tests            leave test hooks out
  -s, --show-only PATH        only the templates matching PATH (glob; repeatable)
      --output-dir DIR        write each template's documents to DIR instead of stdout
      --release-name          with --output-dir, write under DIR/NAME
      --name-template TPL     release name from a template (when NAME is not given)
      --create-namespace      accepted; like helm template, it changes nothing`;

class UsageError extends HelmError {}

type ListFlag = 'valueFiles' | 'set' | 'setString' | 'setFile' | 'apiVersions' | 'showOnly';
type StringFlag = 'namespace' | 'kubeVersion' | 'outputDir' | 'nameTemplate';
type BoolFlag = 'includeCrds' | 'skipCrds' | 'noHooks' | 'skipTests' | 'useReleaseName' | 'createNamespace';

const LIST_FLAGS: Record<string, ListFlag> = {
  '-f': 'valueFiles',
  '--values': 'valueFiles',
  '--set': 'set',
  '--set-string': 'setString',
  '--set-file': 'setFile',
  '-a': 'apiVersions',
  '--api-versions': 'apiVersions',
  '-s': 'showOnly',
  '--show-only': 'showOnly',
};
const STRING_FLAGS: Record<string, StringFlag> = {
  '-n': 'namespace',
  '--namespace': 'namespace',
  '--kube-version': 'kubeVersion',
  '--output-dir': 'outputDir',
  '--name-template': 'nameTemplate',
};
const BOOL_FLAGS: Record<string, BoolFlag> = {
  '--include-crds': 'includeCrds',
  '--skip-crds': 'skipCrds',
  '--no-hooks': 'noHooks',
  '--skip-tests': 'skipTests',
  '--release-name': 'useReleaseName',
  '--create-namespace': 'createNamespace',
};

export interface ParsedTemplateArgs {
  chart: string;
  options: TemplateOptions & { useReleaseName?: boolean; createNamespace?: boolean };
}

function splitFlag(arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=');
  return arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}

/** Parses `template` arguments (after `helm template`). */
export function parseTemplateArgs(args: readonly string[]): ParsedTemplateArgs {
  const options: ParsedTemplateArgs['options'] = {};
  const lists: Partial<Record<ListFlag, string[]>> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = splitFlag(args[i] as string);
    const bool = BOOL_FLAGS[flag];
    if (bool !== undefined) {
      options[bool] = inline === undefined ? true : inline === 'true';
      continue;
    }
    const list = LIST_FLAGS[flag];
    const str = STRING_FLAGS[flag];
    if (list === undefined && str === undefined) {
      if (flag.startsWith('-') && flag !== '-') throw new UsageError(`unknown flag: ${flag}`);
      positional.push(flag);
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined) throw new UsageError(`flag needs an argument: ${flag}`);
    if (list !== undefined) (lists[list] ??= []).push(value);
    else options[str as StringFlag] = value;
  }
  Object.assign(options, lists);
  if (positional.length === 0)
    throw new UsageError('"helm template" requires at least 1 argument\n\n' + HELM_USAGE);
  if (positional.length > 2)
    throw new UsageError(
      `expected at most two arguments, unexpected arguments: ${positional.slice(2).join(', ')}`,
    );
  if (positional.length === 2) options.releaseName = positional[0] as string;
  return { chart: positional[positional.length - 1] as string, options };
}

function writeOutputDir(dir: string, files: Map<string, string>): void {
  for (const [path, content] of files) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
}

/** `helm template`; returns the exit code. */
export async function helmTemplateCommand(args: readonly string[], io: CommandIO): Promise<number> {
  try {
    const { chart: chartPath, options } = parseTemplateArgs(args);
    const { useReleaseName, createNamespace: _ignored, ...templateOptions } = options;
    if (useReleaseName && templateOptions.outputDir !== undefined)
      templateOptions.outputDir = join(
        templateOptions.outputDir,
        templateOptions.releaseName ?? 'release-name',
      );
    // Helm's order: locate the chart, read the values, then load the chart.
    if (!existsSync(chartPath)) throw new HelmError(`path "${chartPath}" not found`);
    const values = mergeUserValues(templateOptions);
    const chart = await loadChart(chartPath);
    const result = templateChart(chart, { ...templateOptions, values });
    for (const warning of result.warnings) io.stderr(`WARNING: ${warning}\n`);
    if (templateOptions.outputDir !== undefined) writeOutputDir(templateOptions.outputDir, result.files);
    io.stdout(result.stdout);
    return 0;
  } catch (error) {
    io.stderr(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/** `flotilla helm <subcommand>`. */
export async function helmCommand(args: readonly string[], io: CommandIO): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'template' && !rest.includes('--help') && !rest.includes('-h'))
    return helmTemplateCommand(rest, io);
  if (sub === 'template') {
    io.stdout(`${HELM_USAGE}\n`);
    return 0;
  }
  io.stderr(`${HELM_USAGE}\n`);
  return sub === undefined || sub === 'help' || sub === '--help' ? 0 : 1;
}
