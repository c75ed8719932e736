// Delays the work queue computes: per-key exponential backoff after failures (Flux's
// --min-retry-delay / --max-retry-delay, with jitter so failing objects spread out) and the
// ±percentage jitter Flux applies to `interval` requeues (--interval-jitter-percentage).

export type RandomSource = () => number;

export interface BackoffOptions {
  /** First retry delay (Flux default 750ms). */
  minDelayMs: number;
  /** Cap (Flux default 15m). */
  maxDelayMs: number;
  /** Fraction each delay may vary by, e.g. 0.1 = ±10% (default 0.1). */
  jitter?: number;
  random?: RandomSource;
}

export class BackoffConfigError extends Error {
  readonly code = 'BACKOFF_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'BackoffConfigError';
  }
}

/** Exponential per-key failure backoff: min · 2^failures, capped, jittered, clamped to [min, max]. */
export class ExponentialBackoff {
  private readonly failures = new Map<string, number>();
  private readonly jitter: number;
  private readonly random: RandomSource;

  constructor(private readonly options: BackoffOptions) {
    if (options.minDelayMs <= 0 || options.maxDelayMs < options.minDelayMs)
      throw new BackoffConfigError(
        `retry delays must satisfy 0 < min (${options.minDelayMs}ms) <= max (${options.maxDelayMs}ms)`,
      );
    this.jitter = options.jitter ?? 0.1;
    if (this.jitter < 0 || this.jitter >= 1)
      throw new BackoffConfigError(`backoff jitter must be in [0, 1), got ${this.jitter}`);
    this.random = options.random ?? Math.random;
  }

  /** Records a failure of `key` and returns how long to wait before retrying it. */
  next(key: string): number {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    const { minDelayMs, maxDelayMs } = this.options;
    const base = Math.min(maxDelayMs, minDelayMs * 2 ** Math.min(failures, 52));
    const jittered = base * (1 + (this.random() * 2 - 1) * this.jitter);
    return Math.round(Math.min(maxDelayMs, Math.max(minDelayMs, jittered)));
  }

  /** Consecutive failures recorded for `key`. */
  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Resets `key` after a success (or when the object is gone). */
  forget(key: string): void {
    this.failures.delete(key);
  }
}

/**
 * Flux's interval jitter: `intervalMs` ± up to `percentage`% (uniform). 0 disables it.
 * Percentages must be in [0, 100).
 */
export function jitterInterval(
  intervalMs: number,
  percentage: number,
  random: RandomSource = Math.random,
): number {
  if (percentage < 0 || percentage >= 100)
    throw new BackoffConfigError(`interval jitter percentage must be in [0, 100), got ${percentage}`);
  if (percentage === 0 || intervalMs <= 0) return intervalMs;
  const spread = (intervalMs * percentage) / 100;
  return Math.round(intervalMs + (random() * 2 - 1) * spread);
}
