// Configuration from flags (Flux's names) and FLOTILLA_ environment variables, declared once
// so that parsing, validation, --help and the README reference come from the same table.

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

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Parses a Go duration ('1m30s', '750ms', '1h') into milliseconds. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (!/^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/.test(trimmed))
    throw new Error(`not a duration: '${text}' (e.g. 30s, 1m30s, 750ms)`);
  let total = 0;
  for (const match of trimmed.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g)) {
    total += Number(match[1]) * (DURATION_UNITS[match[2] ?? 's'] ?? 0);
  }
  return Math.round(total);
}

/** Formats milliseconds the way Go prints durations: 5m0s, 1h0m0s, 2.5s, 300ms. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1_000) return `${ms}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1_000;
  const secondsText = `${Number(seconds.toFixed(3))}s`;
  if (hours > 0) return `${hours}h${minutes}m${secondsText}`;
  if (minutes > 0) return `${minutes}m${secondsText}`;
  return secondsText;
}

export interface ListenAddress {
  host: string;
  port: number;
}

/** Parses 'host:port' or ':port' (Go style; an empty host means all interfaces). */
export function parseAddress(text: string): ListenAddress {
  const match = /^(.*):([0-9]{1,5})$/.exec(text.trim());
  if (!match) throw new Error(`not a listen address: '${text}' (e.g. 127.0.0.1:8080 or :8080)`);
  const port = Number(match[2]);
  if (port > 65_535) throw new Error(`port out of range in '${text}'`);
  const host = (match[1] ?? '').replace(/^\[(.*)\]$/, '$1');
  return { host: host === '' ? '0.0.0.0' : host, port };
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
      return raw
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
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
  env: NodeJS.ProcessEnv = process.env,
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
