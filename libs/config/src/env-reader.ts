// Reading typed settings from environment variables, collecting every problem instead of failing on
// the first, so an operator fixes a bad deployment in one go.
import { readFileSync } from 'node:fs';
import { tryParseByteSize } from './byte-size.js';
import { tryParseDuration } from './duration.js';
import { splitList } from './list.js';

export type Env = Readonly<Record<string, string | undefined>>;

export type EnvValueKind = 'integer' | 'duration' | 'byteSize' | 'boolean';

/** A variable that is set but does not parse as its kind. */
export interface InvalidEnvValue {
  name: string;
  /** The value as set, without surrounding whitespace. */
  value: string;
  kind: EnvValueKind;
  /** The smallest integer accepted, when the caller gave one. */
  min?: number;
}

/** Turns an invalid value into the problem text; packages keep the wording their users know. */
export type DescribeInvalidEnvValue = (invalid: InvalidEnvValue) => string;

const EXPECTED: Record<EnvValueKind, string> = {
  integer: 'a whole number',
  duration: 'a Go duration such as 30s, 5m or 24h',
  byteSize: 'a byte size such as 1048576, 512Mi or 1G',
  boolean: 'true or false',
};

/** The default wording: `NAME='value' is not a whole number`. */
export function describeInvalidEnvValue({ name, value, kind, min }: InvalidEnvValue): string {
  const expected = kind === 'integer' && min !== undefined ? `a whole number >= ${min}` : EXPECTED[kind];
  return `${name}='${value}' is not ${expected}`;
}

// A Map, not an object literal: 'constructor' must not parse as a boolean.
const BOOLEANS = new Map([
  ['true', true],
  ['1', true],
  ['false', false],
  ['0', false],
]);

/**
 * Typed readers over an environment. Each returns undefined when the variable is unset or blank, and
 * also when it is malformed, after recording a problem; callers apply defaults with `??`.
 */
export class EnvReader<Name extends string = string> {
  readonly problems: string[] = [];

  constructor(
    private readonly env: Env,
    private readonly describeInvalid: DescribeInvalidEnvValue = describeInvalidEnvValue,
  ) {}

  /** Records a problem found by the caller's own checks, in order with the readers' problems. */
  problem(message: string): void {
    this.problems.push(message);
  }

  /** The trimmed value. */
  string(name: Name): string | undefined {
    return this.trimmed(name);
  }

  /** A comma-separated list, items trimmed and empty items dropped. */
  list(name: Name): string[] | undefined {
    const text = this.trimmed(name);
    return text === undefined ? undefined : splitList(text);
  }

  /**
   * A secret given inline as NAME, or as a file path in NAME_FILE (one trailing newline dropped, as
   * mounted Kubernetes secrets often have). Inline secrets are taken verbatim, since spaces may be
   * part of them.
   */
  secret(name: Name): string | undefined {
    // Blank counts as unset, as for every reader; otherwise the value is kept exactly.
    const inline = this.trimmed(name) === undefined ? undefined : this.env[name];
    const fileName = `${name}_FILE`;
    const file = this.trimmed(fileName);
    if (inline !== undefined && file !== undefined) {
      this.problem(`set only one of ${name} and ${fileName}`);
      return undefined;
    }
    if (file === undefined) return inline;
    try {
      const value = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
      if (value !== '') return value;
      this.problem(`${fileName} '${file}' is empty`);
    } catch (error) {
      this.problem(`${fileName} '${file}' cannot be read: ${(error as Error).message}`);
    }
    return undefined;
  }

  /** A non-negative whole number, at least `min` when given. */
  integer(name: Name, options: { min?: number } = {}): number | undefined {
    const { min } = options;
    return this.parsed(name, 'integer', min, (text) => {
      const value = /^[0-9]+$/.test(text) ? Number(text) : Number.NaN;
      return Number.isSafeInteger(value) && (min === undefined || value >= min) ? value : undefined;
    });
  }

  /** A Go duration, in milliseconds. */
  duration(name: Name): number | undefined {
    return this.parsed(name, 'duration', undefined, tryParseDuration);
  }

  /** Bytes, or a Kubernetes quantity such as 512Mi. */
  byteSize(name: Name): number | undefined {
    return this.parsed(name, 'byteSize', undefined, tryParseByteSize);
  }

  /** true, false, 1 or 0, in any case. */
  boolean(name: Name): boolean | undefined {
    return this.parsed(name, 'boolean', undefined, (text) => BOOLEANS.get(text.toLowerCase()));
  }

  private trimmed(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  private parsed<T>(
    name: Name,
    kind: EnvValueKind,
    min: number | undefined,
    parse: (text: string) => T | undefined,
  ): T | undefined {
    const value = this.trimmed(name);
    if (value === undefined) return undefined;
    const parsed = parse(value);
    if (parsed === undefined) this.problem(this.describeInvalid({ name, value, kind, min }));
    return parsed;
  }
}
