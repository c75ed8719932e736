// Raw HTTP access to the double for tests that assert exact status codes, headers and watch framing.
import type { KubeApiServer } from '../server.js';

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  token?: string | null;
}

export interface WatchEvent {
  type: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  object: any;
}

/** A watch stream read line by line, with bounded waits. */
export class WatchStream {
  private buffer = '';
  private readonly events: WatchEvent[] = [];
  private waiters: (() => void)[] = [];
  ended = false;
  readonly rawLines: string[] = [];

  constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {
    void this.pump();
  }

  private async pump(): Promise<void> {
    const reader = (this.response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        this.buffer += decoder.decode(value, { stream: true });
        let newline = this.buffer.indexOf('\n');
        while (newline >= 0) {
          const line = this.buffer.slice(0, newline);
          this.buffer = this.buffer.slice(newline + 1);
          this.rawLines.push(line);
          if (line.trim()) this.events.push(JSON.parse(line) as WatchEvent);
          newline = this.buffer.indexOf('\n');
        }
        this.wake();
      }
    } catch {
      // aborted
    }
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** The next event, or throws after `timeoutMs`; undefined once the stream ended. */
  async next(timeoutMs = 3_000): Promise<WatchEvent | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length === 0) {
      if (this.ended) return undefined;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a watch event');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.events.shift();
  }

  /** Next `n` events, skipping bookmarks unless asked for. */
  async take(n: number, timeoutMs = 3_000, keepBookmarks = false): Promise<WatchEvent[]> {
    const out: WatchEvent[] = [];
    while (out.length < n) {
      const event = await this.next(timeoutMs);
      if (!event) throw new Error(`watch ended after ${out.length} of ${n} events`);
      if (event.type === 'BOOKMARK' && !keepBookmarks) continue;
      out.push(event);
    }
    return out;
  }

  /** Resolves true once the server ended the stream (false on timeout). */
  async waitForEnd(timeoutMs = 3_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return this.ended;
  }

  /** Events received so far and not yet taken. */
  pending(): WatchEvent[] {
    return [...this.events];
  }

  close(): void {
    this.abort.abort();
  }
}

export class RawClient {
  private readonly streams: WatchStream[] = [];

  constructor(private readonly server: KubeApiServer) {}

  async request(method: string, path: string, options: RequestOptions = {}): Promise<RawResponse> {
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
    if (options.token !== null) headers.Authorization = `Bearer ${options.token ?? this.server.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['Content-Type'] = options.contentType ?? 'application/json';
    }
    const response = await fetch(`${this.server.url}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, text, body: parsed };
  }

  get(path: string, options?: RequestOptions): Promise<RawResponse> {
    return this.request('GET', path, options);
  }

  post(path: string, body: unknown, options: RequestOptions = {}): Promise<RawResponse> {
    return this.request('POST', path, { ...options, body });
  }

  put(path: string, body: unknown, options: RequestOptions = {}): Promise<RawResponse> {
    return this.request('PUT', path, { ...options, body });
  }

  patch(
    path: string,
    body: unknown,
    contentType: string,
    options: RequestOptions = {},
  ): Promise<RawResponse> {
    return this.request('PATCH', path, { ...options, body, contentType });
  }

  delete(path: string, body?: unknown, options: RequestOptions = {}): Promise<RawResponse> {
    return this.request('DELETE', path, { ...options, ...(body !== undefined ? { body } : {}) });
  }

  /** Opens a watch; resolves once response headers arrived. */
  async watch(path: string, headers: Record<string, string> = {}): Promise<WatchStream> {
    const abort = new AbortController();
    const separator = path.includes('?') ? '&' : '?';
    const response = await fetch(`${this.server.url}${path}${separator}watch=true`, {
      headers: { Authorization: `Bearer ${this.server.token}`, ...headers },
      signal: abort.signal,
    });
    const stream = new WatchStream(response, abort);
    this.streams.push(stream);
    return stream;
  }

  closeAll(): void {
    for (const stream of this.streams) stream.close();
  }
}

/** Polls `check` until it returns a truthy value or the timeout passes. */
export async function eventually<T>(
  check: () => Promise<T> | T,
  timeoutMs = 3_000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let counter = 0;
/** A namespace name unique to the test. */
export function uniqueName(prefix = 'ns'): string {
  counter++;
  return `${prefix}-${process.pid}-${counter}`;
}
