// Health waits in progress, by Kustomization key, so that a newer source revision can cancel a
// wait that would otherwise block the fix until its timeout (a top Flux complaint).

export class HealthCheckCanceledError extends Error {
  readonly code = 'HEALTH_CHECK_CANCELED';
  constructor(readonly newRevision: string) {
    super(`New revision '${newRevision}' is available, health checks canceled`);
    this.name = 'HealthCheckCanceledError';
  }
}

interface Running {
  revision: string;
  controller: AbortController;
}

export class HealthWaits {
  private readonly running = new Map<string, Running>();
  /** Newest revision announced per key, so a wait that starts after the announcement is cancelled too. */
  private readonly announced = new Map<string, string>();

  /** Registers a wait of `key` at `revision`; its signal aborts with HealthCheckCanceledError. */
  begin(key: string, revision: string): AbortSignal {
    const controller = new AbortController();
    const newer = this.announced.get(key);
    this.announced.delete(key);
    if (newer !== undefined && newer !== revision) controller.abort(new HealthCheckCanceledError(newer));
    else this.running.set(key, { revision, controller });
    return controller.signal;
  }

  end(key: string, signal: AbortSignal): void {
    if (this.running.get(key)?.controller.signal === signal) this.running.delete(key);
  }

  /** Cancels the wait of `key` when it checks a revision other than `revision`; true if it did. */
  cancelOutdated(key: string, revision: string): boolean {
    const running = this.running.get(key);
    if (!running) this.announced.set(key, revision);
    if (!running || running.revision === revision) return false;
    running.controller.abort(new HealthCheckCanceledError(revision));
    this.running.delete(key);
    return true;
  }

  get size(): number {
    return this.running.size;
  }
}
