/**
 * Read-your-writes: callers waiting for a position, woken whenever it may have moved (and every 250 ms at the
 * latest, so a missed wake costs a little time, never an answer).
 */
export class PositionWaiters {
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly position: () => bigint,
    private readonly stopped: () => boolean,
  ) {}

  /** Resolves true once `position()` reached `position`, false after `timeoutMs` or once stopped. */
  async waitFor(position: bigint, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.position() < position) {
      const remaining = deadline - Date.now();
      if (remaining <= 0 || this.stopped()) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(remaining, 250));
        const waiters = this.waiters;
        function done() {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        }
        waiters.add(done);
      });
    }
    return true;
  }

  /** The position may have moved (or the owner stopped): every waiter looks again. */
  wake(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
