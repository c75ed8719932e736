// s3rver (an S3-compatible server from npm) in its own Node process on a free loopback port.
// Its own process, because listings over 1,000 keys need --openssl-legacy-provider.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { LOOPBACK, awaitServerStart, freePort, makeTempDir, removeDir, startProcess } from './process.js';

export interface S3ServerOptions {
  /** Bucket created at start; default 'flotilla'. */
  bucket?: string;
}

export interface RunningS3Server {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly region: string;
  readonly bucket: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Options for new S3Client(...) that work against s3rver. */
  clientConfig(): {
    endpoint: string;
    region: string;
    forcePathStyle: true;
    credentials: { accessKeyId: string; secretAccessKey: string };
    requestChecksumCalculation: 'WHEN_REQUIRED';
    responseChecksumValidation: 'WHEN_REQUIRED';
  };
  stop(): Promise<void>;
  summary(): string;
}

// s3rver's fixed credentials.
const ACCESS_KEY = 'S3RVER';
const SECRET_KEY = 'S3RVER';

export async function startS3Server(options: S3ServerOptions = {}): Promise<RunningS3Server> {
  const require = createRequire(import.meta.url);
  const bin = join(dirname(require.resolve('s3rver/package.json')), 'bin', 's3rver.js');
  const bucket = options.bucket ?? 'flotilla';
  const dir = await makeTempDir('s3');
  const port = await freePort();
  const proc = startProcess(process.execPath, [
    '--openssl-legacy-provider',
    bin,
    '--directory',
    dir,
    '--address',
    LOOPBACK,
    '--port',
    String(port),
    '--silent',
    '--configure-bucket',
    bucket,
  ]);
  try {
    await awaitServerStart('s3rver', proc, port);
  } catch (error) {
    await proc.stop();
    await removeDir(dir);
    throw error;
  }
  const endpoint = `http://${LOOPBACK}:${port}`;
  let stopped = false;
  return {
    endpoint,
    region: 'us-east-1',
    bucket,
    accessKeyId: ACCESS_KEY,
    secretAccessKey: SECRET_KEY,
    clientConfig: () => ({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await proc.stop();
      await removeDir(dir);
    },
    summary: () =>
      `s3          ${endpoint}  bucket=${bucket} accessKeyId=${ACCESS_KEY} secretAccessKey=${SECRET_KEY} region=us-east-1 (path-style)`,
  };
}
