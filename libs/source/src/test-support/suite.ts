// One describe block's environment for the integration tests: the source harness and the block's
// servers start together before its tests and are all stopped after them, so each test file
// declares what it needs instead of repeating the start/stop bookkeeping.
import { afterAll, beforeAll } from 'vitest';
import { removeDir } from '@flotilla/testing';
import type { SourceConfig } from '../config.js';
import { startSourceHarness, type HarnessOptions, type SourceHarness } from './harness.js';

/** A server (`stop`, else `close`) or a temporary directory (a path, removed afterwards). */
export type SuiteResource = string | { stop(): Promise<unknown> } | { close(): Promise<unknown> };

export type SuiteStarters = Record<string, () => Promise<SuiteResource>>;

export type SuiteEnv<S extends SuiteStarters> = { readonly h: SourceHarness } & {
  readonly [K in keyof S]: Awaited<ReturnType<S[K]>>;
};

async function release(resource: SuiteResource): Promise<void> {
  if (typeof resource === 'string') await removeDir(resource);
  else if ('stop' in resource) await resource.stop();
  else await resource.close();
}

/**
 * Registers the block's beforeAll/afterAll. The returned object is filled in by beforeAll: read
 * it in hooks registered after this call and in tests, never while the block is collected.
 */
export function useSourceSuite<S extends SuiteStarters>(
  starters: S,
  config: Partial<SourceConfig> = {},
  options: HarnessOptions = {},
): SuiteEnv<S> {
  const env: Record<string, unknown> = {};
  const started: SuiteResource[] = [];
  const track = async <T extends SuiteResource>(name: string, starting: Promise<T>): Promise<void> => {
    const resource = await starting;
    started.push(resource);
    env[name] = resource;
  };
  beforeAll(async () => {
    await Promise.all([
      track('h', startSourceHarness(config, options)),
      ...Object.entries(starters).map(([name, start]) => track(name, start())),
    ]);
  });
  afterAll(async () => {
    await Promise.all(started.map(release));
  });
  return env as SuiteEnv<S>;
}
