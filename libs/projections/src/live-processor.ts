import type { EventStore, RecordedEvent, Subscription } from '@annals/application';
import { LIVE_TABLES, type ReadDatabase, type TableNames, type ViewDb } from '@annals/read-store';
import { advanceCheckpoint, saveLogIdentity } from './checkpoints';
import type { ViewTx } from './projection';
import { CheckpointMovedError, withLocks, type Runtime, type RunnerLogger } from './runtime';

const BATCH = 500;
const MAX_BUFFER = 20_000;

export function viewTx(read: ReadDatabase, tx: ViewDb, tables: TableNames, rebuilding = false): ViewTx {
  return { db: tx, tables, rebuilding, insert: (table, rows) => read.insertRows(tx, tables[table], rows) };
}

/**
 * Live: ONE subscription from the lowest checkpoint feeds every projection, and each batch lands for all of
 * them in one transaction (one log read, one commit). A projection whose batch fails is retried on its own,
 * so it cannot hold the others back; the loop then resubscribes from the lowest checkpoint after a backoff.
 */
export class LiveProcessor {
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly store: EventStore,
    private readonly read: ReadDatabase,
    private readonly runtimes: readonly Runtime[],
    private readonly hooks: {
      readonly running: () => boolean;
      readonly lowest: () => bigint;
      readonly progressed: () => void;
      readonly reload: () => Promise<void>;
      readonly logger: RunnerLogger;
    },
  ) {}

  closeAll(): Promise<void> {
    return Promise.all(this.subscriptions.map((subscription) => subscription.close())).then(() => undefined);
  }

  async follow(): Promise<void> {
    let backoff = 100;
    while (this.hooks.running()) {
      const subscription = this.store.subscribe({ after: this.hooks.lowest() });
      this.subscriptions.push(subscription);
      try {
        await this.pump(subscription);
        backoff = 100;
      } catch (error) {
        if (error instanceof CheckpointMovedError) {
          await this.hooks.reload().catch(() => undefined);
          continue;
        }
        const message = error instanceof Error ? error.message : String(error);
        this.hooks.logger.error(`projections stopped at a failing batch: ${message}; retrying in ${backoff} ms`);
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff = Math.min(backoff * 2, 1000);
      } finally {
        this.subscriptions.splice(this.subscriptions.indexOf(subscription), 1);
        await subscription.close().catch(() => undefined);
      }
    }
  }

  /** Reads the subscription into a bounded buffer and applies it batch by batch. */
  private async pump(subscription: Subscription): Promise<void> {
    const buffer: RecordedEvent[] = [];
    let ended = false;
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    let resume: (() => void) | undefined;
    const reader = (async () => {
      try {
        for await (const event of subscription) {
          buffer.push(event);
          wake?.();
          if (buffer.length >= MAX_BUFFER) await new Promise<void>((resolve) => (resume = resolve));
        }
      } catch (error) {
        failure = error instanceof Error ? error : new Error('the subscription failed');
      } finally {
        ended = true;
        wake?.();
      }
    })();
    try {
      while (this.hooks.running()) {
        if (buffer.length === 0) {
          if (ended) break;
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        const batch = buffer.splice(0, BATCH);
        resume?.();
        resume = undefined;
        await this.applyLive(batch);
        this.hooks.progressed();
      }
      if (failure) throw failure;
    } finally {
      await subscription.close();
      resume?.();
      await reader;
    }
  }

  private async applyLive(batch: readonly RecordedEvent[]): Promise<void> {
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
      // Something failed: apply each projection alone, so the healthy ones go on and the failing one is named.
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
    });
  }

  private markFailed(runtime: Runtime, error: unknown): void {
    runtime.status = 'failed';
    runtime.lastError = error instanceof Error ? error.message : String(error);
    this.hooks.logger.error(`projection ${runtime.projection.name} failed: ${runtime.lastError}`);
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
