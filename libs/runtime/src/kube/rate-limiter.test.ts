import { describe, expect, it } from 'vitest';
import { ManualClock } from '../queue/clock.js';
import { TokenBucket } from './rate-limiter.js';

describe('TokenBucket (--kube-api-qps / --kube-api-burst)', () => {
  it('lets a burst through, then spaces requests at 1/qps', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ qps: 10, burst: 3, clock });
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 0]);
    expect([bucket.reserve(), bucket.reserve()]).toEqual([100, 200]);
    clock.advance(200);
    expect(bucket.reserve()).toBe(100);
  });

  it('refills up to the burst size while idle', () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ qps: 2, burst: 2, clock });
    bucket.reserve();
    bucket.reserve();
    clock.advance(60_000);
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 500]);
  });

  it('take() waits for the reserved delay on the clock', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ qps: 1, burst: 1, clock });
    expect(await bucket.take()).toBe(0);
    let waited: number | undefined;
    const pending = bucket.take().then((ms) => (waited = ms));
    await new Promise((resolve) => setImmediate(resolve));
    expect(waited).toBeUndefined();
    clock.advance(1000);
    await pending;
    expect(waited).toBe(1000);
  });

  it('does not limit with qps 0', () => {
    const bucket = new TokenBucket({ qps: 0, burst: 1, clock: new ManualClock() });
    expect(Array.from({ length: 50 }, () => bucket.reserve()).every((d) => d === 0)).toBe(true);
  });
});
