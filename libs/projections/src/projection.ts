import type { RecordedEvent } from '@annals/application';
import type { TableNames, ViewDb, ViewTable } from '@annals/read-store';

/**
 * A projection turns events into view rows. It is applied to a batch of events inside one read-store
 * transaction that also stores its checkpoint, so each event lands exactly once.
 */
export interface Projection {
  readonly name: string;
  /** Bump when the projection's output changes: a rebuild is then due. */
  readonly version: number;
  readonly tables: readonly ViewTable[];
  handles(event: RecordedEvent): boolean;
  apply(tx: ViewDb, tables: TableNames, events: readonly RecordedEvent[]): Promise<void>;
}

/** Epoch milliseconds of an event's recorded time. */
export const recordedMs = (event: RecordedEvent): number => Date.parse(event.recordedAt);

/** Splits rows for multi-row inserts, within SQLite's and PostgreSQL's bound-parameter limits. */
export function chunks<T>(rows: readonly T[], columnsPerRow: number): T[][] {
  const size = Math.max(1, Math.floor(30_000 / columnsPerRow));
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
