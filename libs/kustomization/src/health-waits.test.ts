import { describe, expect, it } from 'vitest';
import { HealthCheckCanceledError, HealthWaits } from './health-waits.js';

describe('HealthWaits', () => {
  it('cancels a running wait on another revision, not on its own', () => {
    const waits = new HealthWaits();
    const signal = waits.begin('ns/app', 'r1');
    expect(waits.cancelOutdated('ns/app', 'r1')).toBe(false);
    expect(signal.aborted).toBe(false);
    expect(waits.cancelOutdated('ns/app', 'r2')).toBe(true);
    expect(signal.reason).toBeInstanceOf(HealthCheckCanceledError);
    expect((signal.reason as Error).message).toBe("New revision 'r2' is available, health checks canceled");
  });

  it('cancels a wait that starts after a newer revision was announced', () => {
    const waits = new HealthWaits();
    waits.cancelOutdated('ns/app', 'r2');
    expect(waits.begin('ns/app', 'r1').aborted).toBe(true);
    expect(waits.begin('ns/app', 'r1').aborted).toBe(false);
    waits.cancelOutdated('ns/other', 'r3');
    expect(waits.begin('ns/other', 'r3').aborted).toBe(false);
  });
});
