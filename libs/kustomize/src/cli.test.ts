import { afterEach, describe, expect, it } from 'vitest';
import { kustomizeBuildCommand } from './cli.js';
import { removeTrees, SERVICE, writeTree } from './test-support/fixture.js';

afterEach(removeTrees);

function run(args: string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = kustomizeBuildCommand(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

describe('kustomize build command', () => {
  it('prints the YAML stream and exits 0', () => {
    const root = writeTree({ 'kustomization.yaml': 'resources:\n- s.yaml\n', 's.yaml': SERVICE });
    const result = run(['build', root]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^apiVersion: v1\nkind: Service\n/);
  });

  it('prints a one-line error and exits 1 on failure', () => {
    const root = writeTree({ 'kustomization.yaml': 'resources:\n- gone.yaml\n' });
    const result = run(['build', root]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: .*gone\.yaml.*\n$/);
  });

  it('confines reads with --root', () => {
    const root = writeTree({
      'base/s.yaml': SERVICE,
      'app/kustomization.yaml': 'resources:\n- ../base/s.yaml\n',
    });
    expect(run(['build', `${root}/app`]).code).toBe(0);
    const confined = run(['build', `${root}/app`, '--root', `${root}/app`]);
    expect(confined.code).toBe(1);
    expect(confined.stderr).toMatch(/outside the build root/);
  });

  it('rejects bad usage with exit code 2', () => {
    expect(run([]).code).toBe(2);
    expect(run(['build']).code).toBe(2);
    expect(run(['build', 'a', 'b']).code).toBe(2);
    expect(run(['apply', '.']).code).toBe(2);
  });
});
