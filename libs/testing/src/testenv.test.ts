import { describe, expect, it } from 'vitest';
import { startTestEnvironment } from './testenv.js';

describe('startTestEnvironment', () => {
  it('starts every server, names each endpoint, and stops them all', async () => {
    const environment = await startTestEnvironment();
    try {
      const lines = environment.summary().split('\n');
      expect(lines).toHaveLength(environment.servers.length);
      for (const name of ['nats', 's3', 'registry', 'git-http', 'git-ssh', 'helm']) {
        expect(lines.some((line) => line.startsWith(name))).toBe(true);
      }
      const urls = lines.map((line) => /(https?|nats|ssh):\/\/[^\s]+/.exec(line)?.[0]).filter(Boolean);
      expect(urls.length).toBe(lines.length);
      const helm = urls.find(
        (url) => url?.startsWith('http') && lines.find((l) => l.startsWith('helm'))?.includes(url),
      );
      const index = await fetch(`${helm}/index.yaml`);
      expect(index.status).toBe(200);
      expect(await index.text()).toContain('example');
    } finally {
      await environment.stop();
    }
  });
});
