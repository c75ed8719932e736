import { afterEach, describe, expect, it } from 'vitest';
import { kustomizeBuildCommand, type CommandHooks } from './cli.js';
import { removeTrees, SERVICE, writeTree } from './test-support/fixture.js';

afterEach(removeTrees);

async function run(
  args: string[],
  hooks: CommandHooks = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await kustomizeBuildCommand(
    args,
    {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
    },
    hooks,
  );
  return { code, stdout, stderr };
}

describe('kustomize build command', () => {
  it('prints the YAML stream and exits 0', async () => {
    const root = writeTree({ 'kustomization.yaml': 'resources:\n- s.yaml\n', 's.yaml': SERVICE });
    const result = await run(['build', root]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^apiVersion: v1\nkind: Service\n/);
  });

  it('prints a one-line error and exits 1 on failure', async () => {
    const root = writeTree({ 'kustomization.yaml': 'resources:\n- gone.yaml\n' });
    const result = await run(['build', root]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: .*gone\.yaml.*\n$/);
  });

  it('confines reads with --root', async () => {
    const root = writeTree({
      'base/s.yaml': SERVICE,
      'app/kustomization.yaml': 'resources:\n- ../base/s.yaml\n',
    });
    expect((await run(['build', `${root}/app`])).code).toBe(0);
    const confined = await run(['build', `${root}/app`, '--root', `${root}/app`]);
    expect(confined.code).toBe(1);
    expect(confined.stderr).toMatch(/outside the build root/);
  });

  it('inflates helmCharts only with --enable-helm and a renderer', async () => {
    const root = writeTree({ 'kustomization.yaml': 'helmCharts:\n- name: app\n' });
    expect((await run(['build', root])).stderr).toMatch(/^Error: .*must specify --enable-helm\n$/);
    expect((await run(['build', root, '--enable-helm'])).stderr).toMatch(/none is configured/);
    const rendered = await run(['build', root, '--enable-helm'], {
      helmRenderer: (chart) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${chart.name}\n`,
    });
    expect(rendered).toMatchObject({
      code: 0,
      stdout: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n',
    });
  });

  it('uses a remote loader given by the caller, and reports remote bases disabled without one', async () => {
    const repo = writeTree({ 'kustomization.yaml': 'resources:\n- s.yaml\n', 's.yaml': SERVICE });
    const root = writeTree({ 'kustomization.yaml': 'resources:\n- github.com/org/repo?ref=v1\n' });
    expect((await run(['build', root])).stderr).toMatch(/remote bases are disabled/);
    expect((await run(['build', root], { remoteLoader: () => repo })).stdout).toMatch(/kind: Service/);
  });

  it('rejects bad usage with exit code 2', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['build'])).code).toBe(2);
    expect((await run(['build', 'a', 'b'])).code).toBe(2);
    expect((await run(['apply', '.'])).code).toBe(2);
  });
});
