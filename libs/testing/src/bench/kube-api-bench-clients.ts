// The client side of the kube-api benchmark, run in a worker thread so the double keeps the main
// thread to itself: K watch streams, N concurrent ConfigMap writers over keep-alive HTTP, then full and
// label-selected lists. Times are taken on this thread's clock only. Node built-ins only, so the file
// also runs from source (type stripping) in the benchmark's smoke test.
import { Agent, request, type IncomingMessage } from 'node:http';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';

export interface ClientPlan {
  url: string;
  token: string;
  namespace: string;
  objects: number;
  writers: number;
  watchers: number;
  listRepeats: number;
  /** Labels objects `shard=<i % shards>`; the selected list asks for shard 0. */
  shards: number;
  /** Give up waiting for watch events after this long. */
  deliveryTimeoutMs: number;
}

export interface ClientResult {
  writeSeconds: number;
  /** Per write: request start and response end (ms, this thread's clock). */
  writeStart: Float64Array;
  writeEnd: Float64Array;
  /** arrivals[w][i]: when watcher w received object i's ADDED (0 = never). */
  arrivals: Float64Array[];
  listMs: number[];
  listItems: number;
  selectedListMs: number[];
  selectedItems: number;
}

interface Reply {
  status: number;
  body: string;
}

const NAME_PREFIX = 'cm-';
const NAME_MARKER = `"name":"${NAME_PREFIX}`;

function call(plan: ClientPlan, agent: Agent, method: string, path: string, body?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      `${plan.url}${path}`,
      {
        method,
        agent,
        headers: {
          Authorization: `Bearer ${plan.token}`,
          Accept: 'application/json',
          ...(payload
            ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }
            : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function expectStatus(reply: Promise<Reply>, status: number, what: string): Promise<Reply> {
  const done = await reply;
  if (done.status !== status) throw new Error(`${what}: HTTP ${done.status} ${done.body.slice(0, 200)}`);
  return done;
}

/** One watch stream recording when each object's ADDED line arrives. */
class WatchStream {
  readonly arrivals: Float64Array;
  received = 0;
  private buffer = '';
  private response: IncomingMessage | undefined;
  // A plain field, not a parameter property: the file must stay erasable TypeScript.
  private readonly objects: number;

  constructor(objects: number) {
    this.objects = objects;
    this.arrivals = new Float64Array(objects);
  }

  open(plan: ClientPlan, resourceVersion: string): Promise<void> {
    const path = `/api/v1/namespaces/${plan.namespace}/configmaps?watch=true&resourceVersion=${resourceVersion}`;
    return new Promise((resolve, reject) => {
      const req = request(
        `${plan.url}${path}`,
        { agent: false, headers: { Authorization: `Bearer ${plan.token}` } },
        (res) => {
          this.response = res;
          if (res.statusCode !== 200) reject(new Error(`watch: HTTP ${res.statusCode}`));
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => this.consume(chunk));
          resolve();
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  /** Splits lines and finds the object name without a full JSON parse (the client is not measured). */
  private consume(chunk: string): void {
    const now = performance.now();
    const text = this.buffer + chunk;
    let start = 0;
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', start)) {
      if (text.startsWith('{"type":"ADDED"', start)) this.record(text, start, newline, now);
      start = newline + 1;
    }
    this.buffer = text.slice(start);
  }

  private record(text: string, start: number, end: number, now: number): void {
    const at = text.indexOf(NAME_MARKER, start);
    if (at < 0 || at > end) return;
    const index = Number.parseInt(text.slice(at + NAME_MARKER.length, at + NAME_MARKER.length + 8), 10);
    if (!(index >= 0 && index < this.objects) || this.arrivals[index] !== 0) return;
    this.arrivals[index] = now;
    this.received++;
  }

  close(): void {
    this.response?.destroy();
  }
}

function configMap(index: number, shards: number): unknown {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `${NAME_PREFIX}${String(index).padStart(5, '0')}`,
      labels: { app: 'bench', shard: String(index % shards) },
    },
    data: { index: String(index), payload: 'x'.repeat(128) },
  };
}

async function writeAll(
  plan: ClientPlan,
  agent: Agent,
  start: Float64Array,
  end: Float64Array,
): Promise<void> {
  let next = 0;
  const path = `/api/v1/namespaces/${plan.namespace}/configmaps`;
  const writer = async () => {
    for (let i = next++; i < plan.objects; i = next++) {
      start[i] = performance.now();
      await expectStatus(call(plan, agent, 'POST', path, configMap(i, plan.shards)), 201, 'create');
      end[i] = performance.now();
    }
  };
  await Promise.all(Array.from({ length: plan.writers }, writer));
}

async function timeLists(
  plan: ClientPlan,
  agent: Agent,
  query: string,
): Promise<{ ms: number[]; items: number }> {
  const ms: number[] = [];
  let body = '';
  for (let i = 0; i < plan.listRepeats; i++) {
    const t0 = performance.now();
    body = (
      await expectStatus(
        call(plan, agent, 'GET', `/api/v1/namespaces/${plan.namespace}/configmaps${query}`),
        200,
        'list',
      )
    ).body;
    ms.push(performance.now() - t0);
  }
  return { ms, items: (JSON.parse(body) as { items: unknown[] }).items.length };
}

async function waitForDelivery(streams: WatchStream[], plan: ClientPlan): Promise<void> {
  const deadline = performance.now() + plan.deliveryTimeoutMs;
  while (streams.some((s) => s.received < plan.objects) && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export type PhaseMark = 'writes-start' | 'delivered';

/** Tells the parent thread (if any) where the scenario is, so it can sample the double's CPU time. */
function mark(phase: PhaseMark): void {
  parentPort?.postMessage({ mark: phase });
}

/** Runs one scenario against a started double. */
export async function runClients(plan: ClientPlan): Promise<ClientResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: plan.writers });
  const streams: WatchStream[] = [];
  try {
    await expectStatus(
      call(plan, agent, 'POST', '/api/v1/namespaces', { metadata: { name: plan.namespace } }),
      201,
      'create namespace',
    );
    const list = await expectStatus(
      call(plan, agent, 'GET', `/api/v1/namespaces/${plan.namespace}/configmaps`),
      200,
      'list',
    );
    const rv = (JSON.parse(list.body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    for (let w = 0; w < plan.watchers; w++) streams.push(new WatchStream(plan.objects));
    await Promise.all(streams.map((s) => s.open(plan, rv)));

    const writeStart = new Float64Array(plan.objects);
    const writeEnd = new Float64Array(plan.objects);
    mark('writes-start');
    const t0 = performance.now();
    await writeAll(plan, agent, writeStart, writeEnd);
    const writeSeconds = (performance.now() - t0) / 1000;
    await waitForDelivery(streams, plan);
    mark('delivered');

    const full = await timeLists(plan, agent, '');
    const selected = await timeLists(plan, agent, '?labelSelector=shard%3D0');
    return {
      writeSeconds,
      writeStart,
      writeEnd,
      arrivals: streams.map((s) => s.arrivals),
      listMs: full.ms,
      listItems: full.items,
      selectedListMs: selected.ms,
      selectedItems: selected.items,
    };
  } finally {
    for (const stream of streams) stream.close();
    agent.destroy();
  }
}

// As a worker: run the plan handed over and post the result back.
if (parentPort && workerData && (workerData as { kubeApiBench?: ClientPlan }).kubeApiBench) {
  const port = parentPort;
  runClients((workerData as { kubeApiBench: ClientPlan }).kubeApiBench).then(
    (result) => port.postMessage({ result }),
    (error: unknown) => port.postMessage({ error: error instanceof Error ? error.message : String(error) }),
  );
}
