import type { RecordedEvent } from '@annals/application';
import { LIVE_TABLES, type ReadDatabase, type ViewDb } from '@annals/read-store';
import { advanceCheckpoint, saveLogIdentity } from './checkpoints';
import { viewTx } from './projection';
import { CheckpointMovedError, withLocks, type Runtime, type RunnerLogger } from './runtime';

/**
 * Applies a live batch to every projection that is behind it, in ONE transaction (one commit for all). If that
 * fails, each projection is retried alone, so the healthy ones go on and the failing one is named (`failed`)
 * instead of holding the others back.
 */
export class BatchApplier {
  constructor(
    private readonly read: ReadDatabase,
    private readonly runtimes: readonly Runtime[],
    private readonly logger: RunnerLogger,
  ) {}

  /** Throws if a projection failed (after the others moved on) or another runner moved a checkpoint. */
  async apply(batch: readonly RecordedEvent[]): Promise<void> {
    const last = batch[batch.length - 1]!.position;
    const due = this.runtimes.filter((runtime) => runtime.position < last);
    if (due.length === 0) return;
    await withLocks(due, async () => {
      try {
        const reached = await this.read.db.transaction().execute(async (tx) => {
          const out: bigint[] = [];
          for (const runtime of due) out.push(await this.applyTo(tx, runtime, batch));
          return out;
        });
        due.forEach((runtime, index) => {
          runtime.position = reached[index]!;
          if (runtime.status === 'failed') runtime.status = 'running';
        });
        return;
      } catch (error) {
        if (error instanceof CheckpointMovedError || due.length === 1) {
          if (!(error instanceof CheckpointMovedError)) this.markFailed(due[0]!, error);
          throw error;
        }
      }
      await this.applyEachAlone(due, batch);
    });
  }

  private async applyEachAlone(due: readonly Runtime[], batch: readonly RecordedEvent[]): Promise<void> {
    let failure: Error | undefined;
    for (const runtime of due) {
      try {
        runtime.position = await this.read.db.transaction().execute((tx) => this.applyTo(tx, runtime, batch));
        if (runtime.status === 'failed') runtime.status = 'running';
      } catch (error) {
        if (error instanceof CheckpointMovedError) throw error;
        this.markFailed(runtime, error);
        failure ??= error instanceof Error ? error : new Error(String(error));
      }
    }
    if (failure) throw failure;
  }

  private markFailed(runtime: Runtime, error: unknown): void {
    runtime.status = 'failed';
    runtime.lastError = error instanceof Error ? error.message : String(error);
    this.logger.error(`projection ${runtime.projection.name} failed: ${runtime.lastError}`);
  }

  /** One projection's share of a batch, with its checkpoint moved by compare-and-set. Returns the new checkpoint. */
  private async applyTo(tx: ViewDb, runtime: Runtime, batch: readonly RecordedEvent[]): Promise<bigint> {
    const fresh = batch.filter((event) => event.position > runtime.position);
    if (fresh.length === 0) return runtime.position;
    const lastEvent = fresh[fresh.length - 1]!;
    // Compare-and-set: if another runner moved the checkpoint, this batch rolls back and nothing lands twice.
    if (
      !(await advanceCheckpoint(tx, runtime.projection.name, runtime.position, {
        position: lastEvent.position,
        eventId: lastEvent.eventId,
      }))
    )
      throw new CheckpointMovedError(runtime.projection.name);
    // The views' first event names the log they are built from.
    if (runtime.position === 0n) await saveLogIdentity(tx, { position: fresh[0]!.position, eventId: fresh[0]!.eventId });
    const handled = fresh.filter((event) => runtime.projection.handles(event));
    if (handled.length > 0) await runtime.projection.apply(viewTx(this.read, tx, LIVE_TABLES), handled);
    return lastEvent.position;
  }
}
