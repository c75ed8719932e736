// The artifact HTTP server (Flux's storage file server): GET/HEAD `/<storage path>` streams the
// file from the shared store, so any replica can serve any artifact. Reads verify the stored
// digest; a mismatch aborts the response instead of sending corrupt bytes as complete.
import {
  ArtifactNotFoundError,
  InvalidArtifactPathError,
  validateArtifactPath,
  type ArtifactStore,
} from '@flotilla/artifacts';
import { parseAddress } from '@flotilla/config';
import Fastify, { type FastifyReply } from 'fastify';

export interface ArtifactServer {
  /** `http://host:port` actually bound. */
  readonly url: string;
  /** `host:port` actually bound (0.0.0.0 reported as 127.0.0.1). */
  readonly address: string;
  close(): Promise<void>;
}

function contentTypeOf(path: string): string {
  if (path.endsWith('.yaml') || path.endsWith('.yml')) return 'application/x-yaml';
  if (path.endsWith('.gz') || path.endsWith('.tgz')) return 'application/gzip';
  return 'application/octet-stream';
}

async function serve(store: ArtifactStore, rawPath: string, reply: FastifyReply, head: boolean) {
  let path: string;
  try {
    path = validateArtifactPath(decodeURIComponent(rawPath.replace(/^\/+/, '')));
  } catch (error) {
    if (error instanceof InvalidArtifactPathError || error instanceof URIError)
      return reply.code(400).type('text/plain').send('invalid artifact path\n');
    throw error;
  }
  const meta = await store.head(path);
  if (!meta) return reply.code(404).type('text/plain').send('404 page not found\n');
  reply
    .type(contentTypeOf(path))
    .header('content-length', meta.size)
    .header('last-modified', meta.lastUpdateTime.toUTCString());
  if (meta.digest) reply.header('x-flotilla-digest', meta.digest);
  if (head) return reply.send();
  try {
    return reply.send(await store.get(path));
  } catch (error) {
    // Deleted between head and get (garbage collection).
    if (error instanceof ArtifactNotFoundError)
      return reply.code(404).type('text/plain').send('404 page not found\n');
    throw error;
  }
}

/** Starts the artifact server on `address` (`host:port`, Go style). */
export async function startArtifactServer(store: ArtifactStore, address: string): Promise<ArtifactServer> {
  const app = Fastify({ logger: false, exposeHeadRoutes: false });
  app.get('/*', (request, reply) => serve(store, request.url.split('?')[0] ?? '/', reply, false));
  app.head('/*', (request, reply) => serve(store, request.url.split('?')[0] ?? '/', reply, true));
  const { host, port } = parseAddress(address);
  await app.listen({ host, port });
  const bound = app.server.address();
  const boundPort = typeof bound === 'object' && bound ? bound.port : port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const hostPort = `${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${boundPort}`;
  return { url: `http://${hostPort}`, address: hostPort, close: () => app.close() };
}
