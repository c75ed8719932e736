// Ordered shutdown on SIGTERM/SIGINT with a deadline, so in-flight work drains but a stuck
// step cannot keep the pod alive forever.
import type { Logger } from 'pino';

export type ShutdownStep = { name: string; run: () => Promise<void> | void };

export class Lifecycle {
  private readonly steps: ShutdownStep[] = [];
  private stopping?: Promise<void>;

  constructor(
    private readonly logger: Logger,
    private readonly timeoutMs: number,
  ) {}

  /** Steps run in reverse order of registration: last started, first stopped. */
  onShutdown(name: string, run: ShutdownStep['run']): void {
    this.steps.push({ name, run });
  }

  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  /** Runs every step once; resolves true when all finished before the deadline. */
  async shutdown(reason: string): Promise<boolean> {
    this.stopping ??= this.runSteps(reason);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.timeoutMs);
    });
    const finished = await Promise.race([this.stopping.then(() => true as const), deadline]);
    clearTimeout(timer);
    if (!finished)
      this.logger.error({ timeoutMs: this.timeoutMs }, 'shutdown deadline passed; exiting anyway');
    return finished;
  }

  private async runSteps(reason: string): Promise<void> {
    this.logger.info({ reason }, 'shutting down');
    for (const step of [...this.steps].reverse()) {
      try {
        await step.run();
      } catch (error) {
        this.logger.error({ error: (error as Error).message, step: step.name }, 'shutdown step failed');
      }
    }
    this.logger.info('shutdown complete');
  }

  /** Exits the process after a clean (0) or timed-out (1) shutdown on SIGTERM or SIGINT. */
  exitOnSignals(signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): void {
    for (const signal of signals) {
      process.once(signal, () => {
        void this.shutdown(signal).then((clean) => process.exit(clean ? 0 : 1));
      });
    }
  }
}
