// `npm run bench:kube-api`: how fast the Kubernetes API-server double takes writes and fans them out
// to watchers with 10,000 objects, so tests at scale can trust it. Per scenario: a fresh double on
// 127.0.0.1 in this thread, and a worker thread with K watch streams and N concurrent writers creating
// ConfigMaps over HTTP, then timing full and label-selected lists. Prints a table and, last, one
// headline line. Bounded: fixed object count and a deadline per scenario; stops everything it starts.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { startKubeApi } from '../kube-api/index.js';
import type { ClientPlan, ClientResult, PhaseMark } from './kube-api-bench-clients.js';

export interface BenchOptions {
  objects: number;
  writers: number;
  /** One scenario per entry: that many concurrent watch streams. */
  watcherCounts: number[];
  listRepeats: number;
  /** Deadline of one scenario. */
  scenarioTimeoutMs: number;
}

export const DEFAULT_OPTIONS: BenchOptions = {
  objects: 10_000,
  writers: 16,
  watcherCounts: [10, 50],
  listRepeats: 5,
  scenarioTimeoutMs: 180_000,
};

export interface Distribution {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface ScenarioFigures {
  watchers: number;
  writesPerSecond: number;
  /** Request to response of one create. */
  write: Distribution;
  /** Write response to a watcher receiving the event (0 when the event came first). */
  fanOut: Distribution;
  /** Share of events that reached a watcher before the write's own response did. */
  eventsBeforeResponse: number;
  /** Events never delivered (should be 0). */
  missingEvents: number;
  list: Distribution;
  listItems: number;
  selectedList: Distribution;
  selectedItems: number;
  /** CPU time of the double's thread per write, fan-out to every watcher included (µs). */
  serverCpuPerWriteUs: number;
}

const SHARDS = 10;

export function distribution(samples: ArrayLike<number>): Distribution {
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) =>
    sorted.length ? (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0) : 0;
  return {
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: sorted.length ? (sorted[sorted.length - 1] ?? 0) : 0,
  };
}

function fanOutFigures(result: ClientResult): { fanOut: Distribution; before: number; missing: number } {
  const latencies: number[] = [];
  let before = 0;
  let missing = 0;
  for (const arrivals of result.arrivals) {
    for (let i = 0; i < arrivals.length; i++) {
      const arrival = arrivals[i] as number;
      if (arrival === 0) {
        missing++;
        continue;
      }
      const latency = arrival - (result.writeEnd[i] as number);
      if (latency < 0) before++;
      latencies.push(Math.max(0, latency));
    }
  }
  return {
    fanOut: distribution(latencies),
    before: latencies.length ? before / latencies.length : 0,
    missing,
  };
}

export function figuresOf(
  watchers: number,
  objects: number,
  result: ClientResult,
): Omit<ScenarioFigures, 'serverCpuPerWriteUs'> {
  const writes = result.writeEnd.map((end, i) => end - (result.writeStart[i] as number));
  const { fanOut, before, missing } = fanOutFigures(result);
  return {
    watchers,
    writesPerSecond: objects / result.writeSeconds,
    write: distribution(writes),
    fanOut,
    eventsBeforeResponse: before,
    missingEvents: missing,
    list: distribution(result.listMs),
    listItems: result.listItems,
    selectedList: distribution(result.selectedListMs),
    selectedItems: result.selectedItems,
  };
}

/** The client worker module: compiled .js from dist, or the .ts source under a test runner. */
function clientsModule(): URL {
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return new URL(`./kube-api-bench-clients.${ext}`, import.meta.url);
}

interface WorkerMessage {
  mark?: PhaseMark;
  result?: ClientResult;
  error?: string;
}

/** Runs the clients in a worker; `cpu` gets this thread's (the double's) CPU time between the marks. */
function runWorker(
  plan: ClientPlan,
  timeoutMs: number,
  cpu: { microseconds: number },
): Promise<ClientResult> {
  const worker = new Worker(clientsModule(), { workerData: { kubeApiBench: plan } });
  let start: NodeJS.CpuUsage | undefined;
  return new Promise<ClientResult>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`scenario exceeded ${timeoutMs} ms`)), timeoutMs);
    worker.on('message', (message: WorkerMessage) => {
      // process.threadCpuUsage is Node ≥ 23.9; older runtimes report no CPU figure.
      if (message.mark === 'writes-start' && process.threadCpuUsage) start = process.threadCpuUsage();
      if (message.mark === 'delivered' && start) {
        const used = process.threadCpuUsage(start);
        cpu.microseconds = used.user + used.system;
      }
      if (message.mark) return;
      clearTimeout(timer);
      if (message.result) resolvePromise(message.result);
      else reject(new Error(message.error ?? 'benchmark worker failed'));
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  }).finally(() => void worker.terminate());
}

/** One scenario on a fresh double: `watchers` streams while `options.objects` ConfigMaps are created. */
export async function runScenario(options: BenchOptions, watchers: number): Promise<ScenarioFigures> {
  const server = await startKubeApi({ historyPerStore: Math.max(10_000, options.objects) });
  try {
    const plan: ClientPlan = {
      url: server.url,
      token: server.token,
      namespace: 'bench',
      objects: options.objects,
      writers: options.writers,
      watchers,
      listRepeats: options.listRepeats,
      shards: SHARDS,
      deliveryTimeoutMs: Math.min(60_000, options.scenarioTimeoutMs / 2),
    };
    const cpu = { microseconds: Number.NaN };
    const result = await runWorker(plan, options.scenarioTimeoutMs, cpu);
    return {
      ...figuresOf(watchers, options.objects, result),
      serverCpuPerWriteUs: cpu.microseconds / options.objects,
    };
  } finally {
    await server.close();
  }
}

const ms = (value: number) => value.toFixed(1).padStart(7);
const cell = (value: string | number, width: number) => String(value).padStart(width);

/** The readable table; its last line is the headline. */
export function formatReport(options: BenchOptions, scenarios: ScenarioFigures[]): string[] {
  const lines = [
    `kube-api double: ${options.objects} ConfigMaps, ${options.writers} concurrent writers, loopback HTTP, watchers in a worker thread`,
    '',
    `${cell('watchers', 8)} ${cell('writes/s', 9)} | write ms p50     p99 | fan-out ms p50     p95     p99     max | early  missing | double CPU µs/write`,
  ];
  for (const s of scenarios) {
    lines.push(
      `${cell(s.watchers, 8)} ${cell(Math.round(s.writesPerSecond), 9)} |     ${ms(s.write.p50)} ${ms(s.write.p99)} |     ${ms(s.fanOut.p50)} ${ms(s.fanOut.p95)} ${ms(s.fanOut.p99)} ${ms(s.fanOut.max)} | ${cell(`${(s.eventsBeforeResponse * 100).toFixed(0)}%`, 5)} ${cell(s.missingEvents, 8)} | ${cell(Number.isNaN(s.serverCpuPerWriteUs) ? 'n/a' : Math.round(s.serverCpuPerWriteUs), 18)}`,
    );
  }
  lines.push(
    '',
    `${cell('watchers', 8)} | list all (items)  p50 ms   max ms | list shard=0 (items)  p50 ms   max ms`,
  );
  for (const s of scenarios) {
    lines.push(
      `${cell(s.watchers, 8)} | ${cell(s.listItems, 16)} ${ms(s.list.p50)}  ${ms(s.list.max)} | ${cell(s.selectedItems, 20)} ${ms(s.selectedList.p50)}  ${ms(s.selectedList.max)}`,
    );
  }
  lines.push(
    '',
    "early = events a watcher got before the writer got its response (counted as 0 ms); fan-out is measured from the write's response.",
    'double CPU = CPU time of the thread serving the double from the first write until every watcher had every event, per write.',
  );
  const last = scenarios[scenarios.length - 1];
  if (last) {
    lines.push(
      `writes/s: ${Math.round(last.writesPerSecond)} (fan-out p99 ${Math.round(last.fanOut.p99)} ms, ${last.watchers} watchers)`,
    );
  }
  return lines;
}

function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      objects: { type: 'string' },
      writers: { type: 'string' },
      watchers: { type: 'string' },
      'list-repeats': { type: 'string' },
    },
    strict: true,
  });
  const positive = (text: string | undefined, fallback: number, name: string) => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
    return value;
  };
  return {
    ...DEFAULT_OPTIONS,
    objects: positive(values.objects, DEFAULT_OPTIONS.objects, 'objects'),
    writers: positive(values.writers, DEFAULT_OPTIONS.writers, 'writers'),
    listRepeats: positive(values['list-repeats'], DEFAULT_OPTIONS.listRepeats, 'list-repeats'),
    watcherCounts: values.watchers
      ? values.watchers.split(',').map((w) => positive(w, 0, 'watchers'))
      : DEFAULT_OPTIONS.watcherCounts,
  };
}

/** Runs every scenario and prints the report; 1 when events went missing or lists were short. */
export async function main(
  argv: string[],
  log: (line: string) => void = (l) => console.log(l),
): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseOptions(argv);
  } catch (error) {
    log(
      `${(error as Error).message}\nusage: kube-api-bench [--objects N] [--writers N] [--watchers K,K] [--list-repeats N]`,
    );
    return 2;
  }
  const scenarios: ScenarioFigures[] = [];
  for (const watchers of options.watcherCounts) scenarios.push(await runScenario(options, watchers));
  const broken = scenarios.filter(
    (s) =>
      s.missingEvents > 0 ||
      s.listItems !== options.objects ||
      s.selectedItems !== Math.ceil(options.objects / SHARDS),
  );
  const report = formatReport(options, scenarios);
  if (broken.length)
    report.splice(report.length - 1, 0, 'FAILED: events missing or lists incomplete (see table)');
  for (const line of report) log(line);
  return broken.length ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
