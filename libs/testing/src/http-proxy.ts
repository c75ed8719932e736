// A forward HTTP proxy for tests of proxy support: CONNECT tunnels (for https targets) and
// absolute-URI requests (for plain http targets), optionally behind Proxy-Authorization Basic auth.
// It records what it was asked for, so a test can prove its traffic went through the proxy.
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import { listenOnLoopback, summaryLine, type BasicCredentials } from './http-server.js';

export interface ProxiedRequest {
  method: string;
  /** `host:port` for CONNECT, the absolute URL otherwise. */
  target: string;
  status: number;
}

export interface RunningHttpProxy {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  requests(): ProxiedRequest[];
  summary(): string;
  stop(): Promise<void>;
}

function admitted(header: string | undefined, auth: BasicCredentials | undefined): boolean {
  if (!auth) return true;
  const expected = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  return header === expected;
}

function forward(request: IncomingMessage, response: ServerResponse, entry: ProxiedRequest): void {
  let target: URL;
  try {
    target = new URL(request.url ?? '');
  } catch {
    entry.status = 400;
    response.writeHead(400).end('absolute URI required\n');
    return;
  }
  const headers = { ...request.headers };
  delete headers['proxy-authorization'];
  delete headers['proxy-connection'];
  const upstream = httpRequest(
    {
      host: target.hostname,
      port: target.port || 80,
      method: request.method,
      path: `${target.pathname}${target.search}`,
      headers,
    },
    (answer) => {
      entry.status = answer.statusCode ?? 502;
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  upstream.once('error', (error) => {
    entry.status = 502;
    if (!response.headersSent) response.writeHead(502);
    response.end(`proxy: ${error.message}\n`);
  });
  request.pipe(upstream);
}

/** Starts a forward proxy on a free loopback port. */
export async function startHttpProxy(options: { auth?: BasicCredentials } = {}): Promise<RunningHttpProxy> {
  const log: ProxiedRequest[] = [];
  const tunnels = new Set<Socket>();
  const listening = await listenOnLoopback((request, response) => {
    const entry: ProxiedRequest = { method: request.method ?? 'GET', target: request.url ?? '', status: 407 };
    log.push(entry);
    if (!admitted(request.headers['proxy-authorization'], options.auth)) {
      response.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="flotilla-proxy"' }).end();
      return;
    }
    forward(request, response, entry);
  });
  listening.server.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => {
    const entry: ProxiedRequest = { method: 'CONNECT', target: request.url ?? '', status: 407 };
    log.push(entry);
    tunnels.add(client);
    client.once('close', () => tunnels.delete(client));
    client.on('error', () => client.destroy());
    if (!admitted(request.headers['proxy-authorization'], options.auth)) {
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="flotilla-proxy"\r\n\r\n',
      );
      return;
    }
    const [host = '', port = '443'] = (request.url ?? '').split(/:(?=\d+$)/);
    const upstream = connect(Number(port), host, () => {
      entry.status = 200;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    tunnels.add(upstream);
    upstream.once('close', () => tunnels.delete(upstream));
    upstream.once('error', () => {
      entry.status = 502;
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    });
  });
  return {
    url: listening.url,
    port: listening.port,
    requests: () => log.map((entry) => ({ ...entry })),
    summary: () =>
      summaryLine('http-proxy', listening.url, options.auth ? [`user=${options.auth.username}`] : []),
    async stop() {
      for (const socket of tunnels) socket.destroy();
      await listening.close();
    },
  };
}
