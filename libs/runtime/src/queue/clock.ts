// Time source for the work queue and rate limiters, injectable so tests assert computed delays
// and advance time by hand instead of sleeping.

export type TimerHandle = { readonly id: number };

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimer(callback: () => void, delayMs: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/** The real clock: Date.now and setTimeout (unref'd so a pending requeue never keeps a process alive). */
export function systemClock(): Clock {
  const timers = new Map<number, NodeJS.Timeout>();
  let next = 0;
  return {
    now: () => Date.now(),
    setTimer(callback, delayMs) {
      const id = ++next;
      const timer = setTimeout(
        () => {
          timers.delete(id);
          callback();
        },
        Math.max(0, delayMs),
      );
      timer.unref();
      timers.set(id, timer);
      return { id };
    },
    clearTimer(handle) {
      clearTimeout(timers.get(handle.id));
      timers.delete(handle.id);
    },
  };
}

interface ManualTimer {
  id: number;
  dueAt: number;
  callback: () => void;
}

/** A clock that only moves when told to; timers fire in due order during advance(). */
export class ManualClock implements Clock {
  private current: number;
  private timers: ManualTimer[] = [];
  private next = 0;

  constructor(startMs = Date.UTC(2024, 4, 1, 12, 0, 0)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimer(callback: () => void, delayMs: number): TimerHandle {
    const timer = { id: ++this.next, dueAt: this.current + Math.max(0, delayMs), callback };
    this.timers.push(timer);
    return { id: timer.id };
  }

  clearTimer(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== handle.id);
  }

  /** Pending timers' due times, earliest first. */
  get pendingTimers(): number[] {
    return this.timers.map((t) => t.dueAt).sort((a, b) => a - b);
  }

  /** Moves time forward, firing every timer that falls due (including ones those timers set). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const due = this.timers
        .filter((t) => t.dueAt <= target)
        .sort((a, b) => a.dueAt - b.dueAt || a.id - b.id);
      const first = due[0];
      if (!first) break;
      this.timers = this.timers.filter((t) => t !== first);
      this.current = Math.max(this.current, first.dueAt);
      first.callback();
    }
    this.current = target;
  }
}
