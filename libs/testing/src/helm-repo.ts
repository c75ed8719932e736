// A Helm chart repository over HTTP: index.yaml plus packed charts, with ETag / Last-Modified
// conditional requests, optional Basic auth, and counters so tests can tell whether a fetch
// transferred a body.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { stringify } from 'yaml';
import { packChart, writeChart, type ChartMetadata, type ChartSpec, type PackedChart } from './helm-chart.js';
import { admitBasicAuth, listenOnLoopback, summaryLine, type BasicCredentials } from './http-server.js';
import { makeTempDir, removeDir } from './process.js';

export interface HelmRepoServerOptions {
  /** Charts to publish at start: chart directories, or specs written into the server's temp dir. */
  charts?: (string | ChartSpec)[];
  /** Require these Basic credentials for index and charts. */
  auth?: BasicCredentials;
  /** The `created` time of published entries; the publish time unless given. */
  created?: Date;
}

export interface PublishedChart {
  name: string;
  version: string;
  appVersion?: string;
  /** Hex sha256 of the archive. */
  digest: string;
  /** Absolute download URL, as listed in index.yaml. */
  url: string;
  size: number;
}

export interface ServedHelmRequest {
  method: string;
  path: string;
  status: number;
  /** Body bytes sent (0 for 304, 401, HEAD). */
  bytes: number;
}

export interface HelmRepoStats {
  requests: number;
  /** Body bytes sent in total. */
  bytes: number;
  notModified: number;
  unauthorized: number;
  log: ServedHelmRequest[];
}

export interface RunningHelmRepo {
  /** http://127.0.0.1:PORT — the Helm repository URL. */
  readonly url: string;
  readonly indexUrl: string;
  readonly port: number;
  readonly username?: string;
  readonly password?: string;
  /** Packs and publishes a chart; index.yaml changes (new ETag, later Last-Modified). */
  addChart(source: string | ChartSpec): Promise<PublishedChart>;
  /** Unpublishes a chart version; returns whether it was there. */
  removeChart(name: string, version: string): boolean;
  charts(): PublishedChart[];
  /** The index.yaml currently served. */
  index(): string;
  stats(): HelmRepoStats;
  resetStats(): void;
  summary(): string;
  stop(): Promise<void>;
}

interface ServedFile {
  body: Buffer;
  contentType: string;
  etag: string;
  lastModified: Date;
  /** Whether a client has been sent this version's validators. */
  served?: boolean;
}

interface ChartRecord {
  packed: PackedChart;
  created: Date;
  file: ServedFile;
}

function etagOf(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('hex')}"`;
}

function parseVersion(version: string): { numbers: number[]; prerelease: string | undefined } {
  const withoutBuild = version.replace(/^v/, '').split('+')[0] ?? '';
  const dash = withoutBuild.indexOf('-');
  const core = dash < 0 ? withoutBuild : withoutBuild.slice(0, dash);
  return {
    numbers: core.split('.').map(Number),
    prerelease: dash < 0 ? undefined : withoutBuild.slice(dash + 1),
  };
}

/** Compares versions the way index entries are ordered: semver, newest first. */
function compareVersionsDescending(a: string, b: string): number {
  const { numbers: partsA, prerelease: preA } = parseVersion(a);
  const { numbers: partsB, prerelease: preB } = parseVersion(b);
  for (let i = 0; i < Math.max(partsA.length, partsB.length); i += 1) {
    const diff = (partsB[i] ?? 0) - (partsA[i] ?? 0);
    if (diff !== 0 && !Number.isNaN(diff)) return diff;
  }
  if (preA === preB) return 0;
  if (preA === undefined) return -1; // a release sorts before its prereleases
  if (preB === undefined) return 1;
  return preA < preB ? 1 : -1;
}

function renderIndex(records: ChartRecord[], baseUrl: string, generated: Date): string {
  const entries: Record<string, Record<string, unknown>[]> = {};
  const sorted = [...records].sort(
    (x, y) =>
      x.packed.metadata.name.localeCompare(y.packed.metadata.name) ||
      compareVersionsDescending(x.packed.metadata.version, y.packed.metadata.version),
  );
  for (const { packed, created } of sorted) {
    const metadata: ChartMetadata = packed.metadata;
    (entries[metadata.name] ??= []).push({
      ...metadata,
      created: created.toISOString(),
      digest: packed.digest,
      urls: [`${baseUrl}/charts/${packed.fileName}`],
    });
  }
  return stringify({ apiVersion: 'v1', entries, generated: generated.toISOString() });
}

/** True when the client's cached copy is current: If-None-Match wins over If-Modified-Since. */
function isNotModified(request: IncomingMessage, file: ServedFile): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    return ifNoneMatch
      .split(',')
      .map((tag) => tag.trim().replace(/^W\//, ''))
      .some((tag) => tag === '*' || tag === file.etag);
  }
  const since = Date.parse(request.headers['if-modified-since'] ?? '');
  return !Number.isNaN(since) && Math.floor(file.lastModified.getTime() / 1000) <= Math.floor(since / 1000);
}

/**
 * Last-Modified for a new version of a file. HTTP dates have whole seconds, so when a client has seen
 * the previous version stamped this same second, the new one moves to the next second; otherwise
 * If-Modified-Since would call the change "not modified".
 */
function nextModificationTime(previous: ServedFile | undefined): Date {
  const now = Math.floor(Date.now() / 1000) * 1000;
  const last = previous?.lastModified.getTime() ?? 0;
  if (previous?.served && last >= now) return new Date(last + 1000);
  return new Date(Math.max(now, last));
}

class HelmRepoState {
  readonly records = new Map<string, ChartRecord>();
  indexFile: ServedFile;
  stats: HelmRepoStats = { requests: 0, bytes: 0, notModified: 0, unauthorized: 0, log: [] };
  /** Set once the server listens; chart URLs in the index are absolute. */
  baseUrl = '';

  constructor() {
    this.indexFile = this.renderIndexFile(undefined);
  }

  renderIndexFile(previous: ServedFile | undefined): ServedFile {
    const lastModified = nextModificationTime(previous);
    const body = Buffer.from(renderIndex([...this.records.values()], this.baseUrl, lastModified));
    return { body, contentType: 'application/x-yaml', etag: etagOf(body), lastModified };
  }

  republishIndex(): void {
    this.indexFile = this.renderIndexFile(this.indexFile);
  }

  fileFor(path: string): ServedFile | undefined {
    if (path === '/index.yaml') return this.indexFile;
    const chartFile = /^\/charts\/([^/]+\.tgz)$/.exec(path)?.[1];
    if (!chartFile) return undefined;
    for (const record of this.records.values()) {
      if (record.packed.fileName === chartFile) return record.file;
    }
    return undefined;
  }

  record(entry: ServedHelmRequest): void {
    this.stats.requests += 1;
    this.stats.bytes += entry.bytes;
    if (entry.status === 304) this.stats.notModified += 1;
    if (entry.status === 401) this.stats.unauthorized += 1;
    this.stats.log.push(entry);
  }

  published(record: ChartRecord): PublishedChart {
    const { metadata, digest, fileName, archive } = record.packed;
    return {
      name: metadata.name,
      version: metadata.version,
      appVersion: metadata.appVersion,
      digest,
      url: `${this.baseUrl}/charts/${fileName}`,
      size: archive.length,
    };
  }
}

function serveHelmRequest(
  request: IncomingMessage,
  response: ServerResponse,
  context: { state: HelmRepoState; auth: BasicCredentials | undefined },
): void {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  const method = request.method ?? 'GET';
  const answer = (status: number, headers: Record<string, string | number>, body?: Buffer | string) => {
    response.writeHead(status, headers);
    response.end(body);
    context.state.record({ method, path, status, bytes: body ? Buffer.byteLength(body) : 0 });
  };
  if (!admitBasicAuth(request, response, { required: context.auth, realm: 'flotilla-helm' })) {
    context.state.record({ method, path, status: 401, bytes: 0 });
    return;
  }
  if (method !== 'GET' && method !== 'HEAD') return answer(405, { Allow: 'GET, HEAD' });
  const file = context.state.fileFor(path);
  if (!file) return answer(404, { 'Content-Type': 'text/plain; charset=utf-8' }, `${path} not found\n`);
  const validators = { ETag: file.etag, 'Last-Modified': file.lastModified.toUTCString() };
  file.served = true;
  if (isNotModified(request, file)) return answer(304, validators);
  const headers = { ...validators, 'Content-Type': file.contentType, 'Content-Length': file.body.length };
  return answer(200, headers, method === 'HEAD' ? undefined : file.body);
}

/** Starts a Helm chart repository on a free loopback port. */
export async function startHelmRepo(options: HelmRepoServerOptions = {}): Promise<RunningHelmRepo> {
  const dir = await makeTempDir('helm-repo');
  const state = new HelmRepoState();
  const listening = await listenOnLoopback((request, response) =>
    serveHelmRequest(request, response, { state, auth: options.auth }),
  );
  state.baseUrl = listening.url;
  state.republishIndex();
  const addChart = async (source: string | ChartSpec): Promise<PublishedChart> => {
    const chartDir = typeof source === 'string' ? source : await writeChart(dir, source);
    const packed = await packChart(chartDir);
    const key = `${packed.metadata.name}@${packed.metadata.version}`;
    const file: ServedFile = {
      body: packed.archive,
      contentType: 'application/gzip',
      etag: `"${packed.digest}"`,
      // Republishing a version with new content must look modified to If-Modified-Since too.
      lastModified: nextModificationTime(state.records.get(key)?.file),
    };
    const record: ChartRecord = { packed, created: options.created ?? new Date(), file };
    state.records.set(key, record);
    state.republishIndex();
    return state.published(record);
  };
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= listening.close().then(() => removeDir(dir));
    return stopping;
  };
  try {
    for (const chart of options.charts ?? []) await addChart(chart);
  } catch (error) {
    await stop();
    throw error;
  }
  const credentials = options.auth
    ? [`user=${options.auth.username}`, `password=${options.auth.password}`]
    : [];
  return {
    url: listening.url,
    indexUrl: `${listening.url}/index.yaml`,
    port: listening.port,
    username: options.auth?.username,
    password: options.auth?.password,
    addChart,
    removeChart(name, version) {
      const removed = state.records.delete(`${name}@${version}`);
      if (removed) state.republishIndex();
      return removed;
    },
    charts: () => [...state.records.values()].map((record) => state.published(record)),
    index: () => state.indexFile.body.toString(),
    stats: () => ({ ...state.stats, log: state.stats.log.map((entry) => ({ ...entry })) }),
    resetStats() {
      state.stats = { requests: 0, bytes: 0, notModified: 0, unauthorized: 0, log: [] };
    },
    summary: () => summaryLine('helm-repo', listening.url, [...credentials, `charts=${state.records.size}`]),
    stop,
  };
}
