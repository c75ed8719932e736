import { describe, expect, it } from 'vitest';
import { CONTROLLER_NAMES } from '@flotilla/runtime';
import { definitionFor, selectControllers, UsageError } from './run-command.js';
import { main } from './main.js';

describe('flotilla run', () => {
  it('runs all six controllers unless some are named', () => {
    expect(selectControllers(['--log-level=debug'])).toEqual({
      controllers: [...CONTROLLER_NAMES],
      flags: ['--log-level=debug'],
    });
    expect(selectControllers(['helm-controller']).controllers).toEqual(['helm-controller']);
  });

  it('rejects unknown controllers and commands with usage errors', async () => {
    expect(() => selectControllers(['flux-controller'])).toThrow(UsageError);
    expect(await main(['frobnicate'])).toBe(2);
  });

  it('hosts the real reconcilers where they exist', () => {
    expect(definitionFor('kustomize-controller').start).toBeTypeOf('function');
    expect(definitionFor('kustomize-controller').name).toBe('kustomize-controller');
    expect(definitionFor('source-controller').start).toBeTypeOf('function');
    expect(definitionFor('helm-controller').start).toBeUndefined();
  });
});
