// The standalone entry: `kube-api --port N --kubeconfig FILE`.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, makeTempDir, removeDir } from '../process.js';
import { main } from './cli.js';
import { eventually } from './test-support/raw-client.js';

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir('kube-api-cli');
});
afterAll(async () => {
  await removeDir(dir);
});

describe('kube-api CLI', () => {
  it('serves on the given port, prints the URL and writes a kubeconfig pointing at it', async () => {
    const port = await freePort();
    const file = join(dir, 'kubeconfig');
    const lines: string[] = [];
    let stop!: () => void;
    const stopSignal = new Promise<void>((resolve) => (stop = resolve));
    const running = main(['--port', String(port), '--kubeconfig', file], {
      log: (l) => lines.push(l),
      stopSignal,
    });
    await eventually(() => lines.length > 0, 5000, 'listening line');
    expect(lines[0]).toBe(`listening on http://127.0.0.1:${port}`);
    const config = parse(await readFile(file, 'utf8'));
    expect(config.clusters[0].cluster.server).toBe(`http://127.0.0.1:${port}`);
    const token = config.users[0].user.token as string;
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/namespaces/default`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
    stop();
    expect(await running).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('--allow-anonymous serves requests without credentials (client-go sends none to http://)', async () => {
    const port = await freePort();
    const lines: string[] = [];
    let stop!: () => void;
    const stopSignal = new Promise<void>((resolve) => (stop = resolve));
    const running = main(['--port', String(port), '--allow-anonymous'], {
      log: (l) => lines.push(l),
      stopSignal,
    });
    await eventually(() => lines.length > 0, 5000, 'listening line');
    expect((await fetch(`http://127.0.0.1:${port}/api/v1/namespaces/default`)).status).toBe(200);
    stop();
    expect(await running).toBe(0);
  });

  it('rejects bad arguments with exit code 2 and usage', async () => {
    const lines: string[] = [];
    expect(await main(['--port', 'abc'], { log: (l) => lines.push(l) })).toBe(2);
    expect(await main(['--bogus'], { log: (l) => lines.push(l) })).toBe(2);
    expect(lines.join('\n')).toContain('usage: kube-api');
  });
});
