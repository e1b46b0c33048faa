import type { EventStore, Subscription } from '@annals/application';
import { resubscribing } from '@annals/event-store';
import type { ReadDatabase } from '@annals/read-store';
import { BatchApplier } from './batch-applier';
import { readAhead } from './read-ahead';
import { appliedEvent, type AppliedBatch } from './runner-progress';
import { CheckpointMovedError, type Runtime, type RunnerLogger } from './runtime';

// The rebuilder writes through the same handle.
export { viewTx } from './projection';

const BATCH = 500;
const MAX_BUFFER = 20_000;
/** A failing batch is retried soon, and at least once a second: a database that comes back is caught up at once. */
const RETRY = { initialDelayMs: 100, maxDelayMs: 1000 };

/**
 * Live: ONE subscription from the lowest checkpoint feeds every projection, read ahead into a bounded buffer and
 * applied batch by batch (`BatchApplier`). After a failure it subscribes again from the lowest checkpoint, after a
 * backoff; each batch applied is reported (`progressed`) with what it held, for read-your-writes and the live feed.
 */
export class LiveProcessor {
  private readonly subscriptions = new Set<Subscription>();
  private readonly batches: BatchApplier;

  constructor(
    private readonly store: EventStore,
    read: ReadDatabase,
    runtimes: readonly Runtime[],
    private readonly hooks: {
      readonly running: () => boolean;
      readonly lowest: () => bigint;
      readonly progressed: (applied: AppliedBatch) => void;
      readonly reload: () => Promise<void>;
      readonly logger: RunnerLogger;
    },
  ) {
    this.batches = new BatchApplier(read, runtimes, hooks.logger);
  }

  closeAll(): Promise<void> {
    return Promise.all([...this.subscriptions].map((subscription) => subscription.close())).then(() => undefined);
  }

  async follow(): Promise<void> {
    const applied = resubscribing(() => this.applying(), {
      policy: RETRY,
      running: this.hooks.running,
      onError: async (error, delayMs) => {
        // Another runner wrote meanwhile: start again from where the checkpoints are now.
        if (error instanceof CheckpointMovedError) {
          await this.hooks.reload().catch(() => undefined);
          return 'at-once';
        }
        const message = error instanceof Error ? error.message : String(error);
        this.hooks.logger.error(`projections stopped at a failing batch: ${message}; retrying in ${delayMs} ms`);
        return 'backoff';
      },
    });
    for await (const batch of applied) this.hooks.progressed(batch);
  }

  /** One subscription's life: from the lowest checkpoint, each batch applied, then reported. */
  private async *applying(): AsyncGenerator<AppliedBatch> {
    let after = this.hooks.lowest();
    const subscription = this.store.subscribe({ after });
    this.subscriptions.add(subscription);
    try {
      for await (const batch of readAhead(subscription, { capacity: MAX_BUFFER, batchSize: BATCH })) {
        if (!this.hooks.running()) return;
        await this.batches.apply(batch);
        const last = batch[batch.length - 1]!.position;
        yield { after, last, events: batch.map(appliedEvent) };
        after = last;
      }
    } finally {
      this.subscriptions.delete(subscription);
    }
  }
}
