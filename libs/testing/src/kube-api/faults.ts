// Fault injection for tests: latency, error responses (500/429/…) and dropped watches on chosen
// request paths, each rule optionally limited to a number of hits.
import { internalError, statusBody, KubeApiError, timeout, tooManyRequests } from './errors.js';

export interface FaultRule {
  /** HTTP method to match (any when omitted). */
  method?: string;
  /** Path prefix (string) or pattern (RegExp) on the URL path; any when omitted. */
  path?: string | RegExp;
  /** true: only watch requests; false: only non-watch requests. */
  watch?: boolean;
  /** Delay before the request is served. */
  latencyMs?: number;
  /** Answer with this status instead of serving (500, 429, 503, 504, …). */
  status?: number;
  /** Retry-After for 429 (default 1). */
  retryAfterSeconds?: number;
  /** Watches matching the rule are closed (cleanly) after this many milliseconds. */
  dropWatchAfterMs?: number;
  /** How many matching requests the rule affects (unlimited when omitted). */
  times?: number;
}

export interface FaultHandle {
  /** How many requests the rule has affected. */
  readonly hits: number;
  remove(): void;
}

export interface FaultEffects {
  latencyMs: number;
  error: KubeApiError | undefined;
  dropWatchAfterMs: number | undefined;
}

interface ActiveRule {
  rule: FaultRule;
  hits: number;
}

function errorFor(rule: FaultRule): KubeApiError | undefined {
  switch (rule.status) {
    case undefined:
      return undefined;
    case 429:
      return tooManyRequests('Too many requests, please try again later.', rule.retryAfterSeconds ?? 1);
    case 500:
      return internalError('injected fault');
    case 504:
      return timeout('injected timeout');
    default:
      return new KubeApiError(statusBody(rule.status, 'ServiceUnavailable', 'injected fault'));
  }
}

export class FaultInjector {
  private rules: ActiveRule[] = [];

  add(rule: FaultRule): FaultHandle {
    const active: ActiveRule = { rule, hits: 0 };
    this.rules.push(active);
    return {
      get hits() {
        return active.hits;
      },
      remove: () => {
        this.rules = this.rules.filter((r) => r !== active);
      },
    };
  }

  clear(): void {
    this.rules = [];
  }

  /** The combined effects of every rule matching a request; consumes their `times`. */
  effectsFor(method: string, path: string, isWatch: boolean): FaultEffects {
    const effects: FaultEffects = { latencyMs: 0, error: undefined, dropWatchAfterMs: undefined };
    for (const active of this.rules) {
      const { rule } = active;
      if (!this.matches(rule, method, path, isWatch)) continue;
      if (rule.times !== undefined && active.hits >= rule.times) continue;
      active.hits++;
      effects.latencyMs += rule.latencyMs ?? 0;
      effects.error ??= errorFor(rule);
      if (rule.dropWatchAfterMs !== undefined && isWatch) effects.dropWatchAfterMs = rule.dropWatchAfterMs;
    }
    return effects;
  }

  private matches(rule: FaultRule, method: string, path: string, isWatch: boolean): boolean {
    if (rule.method && rule.method.toUpperCase() !== method) return false;
    if (rule.watch !== undefined && rule.watch !== isWatch) return false;
    if (rule.path === undefined) return true;
    return typeof rule.path === 'string' ? path.startsWith(rule.path) : rule.path.test(path);
  }
}
