import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  describeOptions,
  envName,
  loadConfig,
  optionsMarkdown,
  type OptionTable,
} from './options.js';

const table = {
  metricsAddr: { flag: 'metrics-addr', type: 'address', default: '127.0.0.1:8080', description: 'metrics' },
  concurrent: { flag: 'concurrent', type: 'integer', default: 4, min: 1, description: 'workers' },
  retry: { flag: 'max-retry-delay', type: 'duration', default: 900_000, description: 'backoff cap' },
  leader: { flag: 'enable-leader-election', type: 'boolean', default: false, description: 'leader' },
  level: {
    flag: 'log-level',
    type: 'enum',
    values: ['info', 'debug'],
    default: 'info',
    description: 'level',
  },
  gates: { flag: 'feature-gates', type: 'list', default: [] as string[], description: 'gates' },
} satisfies OptionTable;

describe('loadConfig', () => {
  it('uses defaults when nothing is given', () => {
    expect(loadConfig(table, [], {})).toEqual({
      metricsAddr: '127.0.0.1:8080',
      concurrent: 4,
      retry: 900_000,
      leader: false,
      level: 'info',
      gates: [],
    });
  });

  it('prefers flags over FLOTILLA_ env vars over defaults', () => {
    const config = loadConfig(table, ['--concurrent=8', '--enable-leader-election', '--log-level', 'debug'], {
      FLOTILLA_CONCURRENT: '2',
      FLOTILLA_MAX_RETRY_DELAY: '1m30s',
      FLOTILLA_FEATURE_GATES: 'A=true, B=false',
    });
    expect(config).toMatchObject({
      concurrent: 8,
      leader: true,
      level: 'debug',
      retry: 90_000,
      gates: ['A=true', 'B=false'],
    });
  });

  it('reports every problem at once, naming its source', () => {
    let caught: unknown;
    try {
      loadConfig(table, ['--concurrent=0', '--bogus'], {
        FLOTILLA_MAX_RETRY_DELAY: 'soon',
        FLOTILLA_LOG_LEVEL: 'loud',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/unknown argument '--bogus'/);
    expect(problems.join('\n')).toMatch(/--concurrent: must be ≥ 1/);
    expect(problems.join('\n')).toMatch(/FLOTILLA_MAX_RETRY_DELAY: not a duration/);
    expect(problems.join('\n')).toMatch(/FLOTILLA_LOG_LEVEL: must be one of info, debug/);
  });

  it('documents options for --help and the README', () => {
    expect(envName(table.metricsAddr)).toBe('FLOTILLA_METRICS_ADDR');
    expect(describeOptions(table)).toContain('--max-retry-delay (FLOTILLA_MAX_RETRY_DELAY, default "15m0s")');
    expect(optionsMarkdown(table).split('\n')).toHaveLength(2 + Object.keys(table).length);
  });
});

describe('option values', () => {
  it('accepts yes/no/on/off booleans and a bare 0 duration', () => {
    expect(
      loadConfig(table, ['--enable-leader-election=on'], { FLOTILLA_MAX_RETRY_DELAY: '0' }),
    ).toMatchObject({ leader: true, retry: 0 });
    expect(loadConfig(table, ['--enable-leader-election=no'], {})).toMatchObject({ leader: false });
  });

  it('takes flag values from the next argument and reports a missing one', () => {
    expect(loadConfig(table, ['--metrics-addr', ':9090'], {})).toMatchObject({ metricsAddr: ':9090' });
    expect(() => loadConfig(table, ['--metrics-addr'], {})).toThrow(/--metrics-addr needs a value/);
    expect(() => loadConfig(table, ['--metrics-addr=nowhere'], {})).toThrow(
      /--metrics-addr: not a listen address/,
    );
  });
});
