// Client-side request rate limit (Flux's --kube-api-qps / --kube-api-burst): a token bucket
// holding up to `burst` tokens, refilled at `qps` per second. Each request takes one token,
// waiting for it when the bucket is empty. Waiters are served in arrival order because each
// reservation moves the bucket into debt.
import { systemClock, type Clock } from '../queue/clock.js';

export interface RateLimiterOptions {
  /** Sustained requests per second; 0 or less disables limiting. */
  qps: number;
  /** Requests allowed in a burst (bucket size, at least 1). */
  burst: number;
  clock?: Clock;
}

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private readonly clock: Clock;

  constructor(private readonly options: RateLimiterOptions) {
    this.clock = options.clock ?? systemClock();
    this.tokens = Math.max(1, options.burst);
    this.updatedAt = this.clock.now();
  }

  get unlimited(): boolean {
    return this.options.qps <= 0;
  }

  /** Takes a token now and returns how long the caller must wait before using it (ms). */
  reserve(): number {
    if (this.unlimited) return 0;
    const now = this.clock.now();
    const capacity = Math.max(1, this.options.burst);
    this.tokens = Math.min(capacity, this.tokens + ((now - this.updatedAt) * this.options.qps) / 1000);
    this.updatedAt = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.options.qps);
  }

  /** Waits for a token; resolves with the time waited (ms). */
  async take(): Promise<number> {
    const delay = this.reserve();
    if (delay > 0) await new Promise<void>((resolve) => this.clock.setTimer(resolve, delay));
    return delay;
  }
}
