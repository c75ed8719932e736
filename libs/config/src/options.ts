// Configuration from flags (Flux's names) and FLOTILLA_ environment variables, declared once
// so that parsing, validation, --help and the README reference come from the same table.
import { parseAddress } from './address.js';
import { formatDuration, parseDuration } from './duration.js';
import type { Env } from './env-reader.js';
import { splitList } from './list.js';

export type OptionType = 'string' | 'integer' | 'boolean' | 'duration' | 'address' | 'enum' | 'list';

export interface OptionSpec<T = unknown> {
  /** Flag name without dashes, as Flux spells it, e.g. 'metrics-addr'. */
  flag: string;
  /** Environment variable; defaults to FLOTILLA_ + the flag in upper snake case. */
  env?: string;
  type: OptionType;
  default: T;
  description: string;
  /** For type 'enum'. */
  values?: readonly string[];
  /** For type 'integer'. */
  min?: number;
  max?: number;
}

export type OptionTable = Record<string, OptionSpec>;

/** Resolved values, keyed as in the table. */
export type ConfigValues<T extends OptionTable> = { [K in keyof T]: T[K]['default'] };

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export function envName(option: OptionSpec): string {
  return option.env ?? `FLOTILLA_${option.flag.replace(/-/g, '_').toUpperCase()}`;
}

function parseInteger(option: OptionSpec, raw: string): number {
  if (!/^-?[0-9]+$/.test(raw.trim())) throw new Error(`not an integer: '${raw}'`);
  const value = Number(raw);
  if (option.min !== undefined && value < option.min)
    throw new Error(`must be ≥ ${option.min}, got ${value}`);
  if (option.max !== undefined && value > option.max)
    throw new Error(`must be ≤ ${option.max}, got ${value}`);
  return value;
}

function parseValue(option: OptionSpec, raw: string): unknown {
  switch (option.type) {
    case 'string':
      return raw;
    case 'integer':
      return parseInteger(option, raw);
    case 'boolean':
      if (/^(true|1|yes|on)$/i.test(raw)) return true;
      if (/^(false|0|no|off)$/i.test(raw)) return false;
      throw new Error(`not a boolean: '${raw}' (true or false)`);
    case 'duration':
      return parseDuration(raw);
    case 'address':
      parseAddress(raw);
      return raw;
    case 'enum':
      if (!option.values?.includes(raw))
        throw new Error(`must be one of ${option.values?.join(', ')}, got '${raw}'`);
      return raw;
    case 'list':
      return splitList(raw);
  }
}

/** Splits argv into flag values: --name=value, --name value, and bare --bool-flag. */
function parseArgv(
  argv: readonly string[],
  table: OptionTable,
): { flags: Map<string, string>; problems: string[] } {
  const byFlag = new Map(Object.values(table).map((option) => [option.flag, option]));
  const flags = new Map<string, string>();
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const match = /^--?([a-zA-Z0-9-]+)(?:=(.*))?$/.exec(arg);
    const option = match ? byFlag.get(match[1] ?? '') : undefined;
    if (!match || !option) {
      problems.push(`unknown argument '${arg}'`);
      continue;
    }
    if (match[2] !== undefined) flags.set(option.flag, match[2]);
    else if (option.type === 'boolean') flags.set(option.flag, 'true');
    else if (i + 1 < argv.length) flags.set(option.flag, argv[++i] ?? '');
    else problems.push(`--${option.flag} needs a value`);
  }
  return { flags, problems };
}

/**
 * Resolves every option: flag, then environment variable, then default. Collects all problems
 * and throws one ConfigError naming each, so a bad deployment is fixed in one go.
 */
export function loadConfig<T extends OptionTable>(
  table: T,
  argv: readonly string[] = [],
  env: Env = process.env,
): ConfigValues<T> {
  const { flags, problems } = parseArgv(argv, table);
  const values: Record<string, unknown> = {};
  for (const [key, option] of Object.entries(table)) {
    const fromFlag = flags.get(option.flag);
    const fromEnv = env[envName(option)];
    const raw = fromFlag ?? fromEnv;
    if (raw === undefined) {
      values[key] = option.default;
      continue;
    }
    try {
      values[key] = parseValue(option, raw);
    } catch (error) {
      const source = fromFlag !== undefined ? `--${option.flag}` : envName(option);
      problems.push(`${source}: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return values as ConfigValues<T>;
}

function formatDefault(option: OptionSpec): string {
  if (option.type === 'duration') return formatDuration(option.default as number);
  if (Array.isArray(option.default)) return option.default.join(',');
  return String(option.default);
}

/** Usage text for --help. */
export function describeOptions(table: OptionTable): string {
  return Object.values(table)
    .map(
      (option) =>
        `  --${option.flag} (${envName(option)}, default ${JSON.stringify(formatDefault(option))})\n      ${option.description}`,
    )
    .join('\n');
}

/** Markdown rows for the README's configuration reference. */
export function optionsMarkdown(table: OptionTable): string {
  const rows = Object.values(table).map(
    (option) =>
      `| \`--${option.flag}\` | \`${envName(option)}\` | \`${formatDefault(option)}\` | ${option.description} |`,
  );
  return ['| Flag | Environment | Default | Meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
