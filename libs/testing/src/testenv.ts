// Every test server at once, for `npm run testenv`: a developer gets the same NATS, S3,
// registry, git and Helm endpoints the integration tests use, to poke at by hand.
import { startGitHttpServer } from './git-http.js';
import { startGitSshServer } from './git-ssh.js';
import { startHelmRepo } from './helm-repo.js';
import { startNatsServer } from './nats.js';
import { makeTempDir, removeDir } from './process.js';
import { startRegistry } from './registry.js';
import { startS3Server } from './s3.js';

interface Stoppable {
  summary(): string;
  stop(): Promise<void>;
}

export interface TestEnvironment {
  readonly servers: readonly Stoppable[];
  /** One line per server: endpoint and credentials. */
  summary(): string;
  stop(): Promise<void>;
}

const TESTENV_USER = 'flotilla';
const TESTENV_PASSWORD = 'flotilla-testenv';

/** Starts every server; if one fails, those already started are stopped before the error propagates. */
export async function startTestEnvironment(): Promise<TestEnvironment> {
  const servers: Stoppable[] = [];
  const repoRoot = await makeTempDir('testenv-repos');
  const stopAll = async () => {
    for (const server of servers.reverse()) await server.stop();
    await removeDir(repoRoot);
  };
  try {
    const auth = { username: TESTENV_USER, password: TESTENV_PASSWORD };
    servers.push(await startNatsServer());
    servers.push(await startS3Server());
    servers.push(await startRegistry());
    servers.push(await startRegistry({ auth }));
    const gitHttp = await startGitHttpServer({ repoRoot, auth });
    servers.push(gitHttp);
    servers.push(await startGitSshServer({ repoRoot }));
    await gitHttp.createRepo('example', { files: { 'README.md': '# example repository\n' } });
    servers.push(
      await startHelmRepo({ charts: [{ name: 'example', version: '1.0.0', appVersion: '1.0.0' }] }),
    );
  } catch (error) {
    await stopAll();
    throw error;
  }
  return {
    servers,
    summary: () => servers.map((server) => server.summary()).join('\n'),
    stop: stopAll,
  };
}
