import type { EventStore, NewEvent, RecordedEvent } from '../ports/event-store.port';

export interface RestoreLogOptions {
  /** Events per call to the store: one transaction each on SQLite. */
  readonly batchSize?: number;
  /** After each batch: how many events are restored so far. */
  readonly onProgress?: (restored: number) => void;
}

export interface RestoreLogResult {
  readonly events: number;
  /** The target's position of the last event restored (0n for an empty log). */
  readonly position: bigint;
}

const DEFAULT_BATCH = 5000;

/**
 * Writes an exported log into a store, in log order, keeping streams, revisions, ids, types, data, metadata and
 * recorded time. A store with `restoreBatch` (SQLite) takes the events as they are, positions included; any other
 * is given one append per run of a stream's events with the exact expected revision, so a stream that is not where
 * the log says it is fails the restore instead of being written twice. The caller has checked the whole log
 * (ExportChecker) and that the store is empty.
 */
export async function restoreLog(
  store: EventStore,
  events: AsyncIterable<RecordedEvent> | Iterable<RecordedEvent>,
  options: RestoreLogOptions = {},
): Promise<RestoreLogResult> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  let batch: RecordedEvent[] = [];
  let restored = 0;
  let position = 0n;
  const flush = async () => {
    if (batch.length === 0) return;
    position = store.restoreBatch ? (await store.restoreBatch(batch)).position : await appendInLogOrder(store, batch);
    restored += batch.length;
    batch = [];
    options.onProgress?.(restored);
  };
  for await (const event of events) {
    batch.push(event);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return { events: restored, position };
}

/** The log cut into runs of consecutive events of one stream, in log order: a restore appends each run at once. */
export function* streamRuns(events: readonly RecordedEvent[]): Generator<{ stream: string; run: readonly RecordedEvent[] }> {
  for (let start = 0; start < events.length;) {
    const stream = events[start]!.stream;
    let end = start + 1;
    while (end < events.length && events[end]!.stream === stream) end++;
    yield { stream, run: events.slice(start, end) };
    start = end;
  }
}

/** One append per run of consecutive events of a stream, each expecting the revision before the run. */
export async function appendInLogOrder(store: EventStore, events: readonly RecordedEvent[]): Promise<bigint> {
  let position = 0n;
  for (const { stream, run } of streamRuns(events)) {
    const first = run[0]!.revision;
    const result = await store.append(stream, run.map(asNewEvent), { expectedRevision: first === 0n ? 'no-stream' : first - 1n });
    const last = run[run.length - 1]!.revision;
    if (result.revision !== last || result.replayed)
      throw new Error(`restoring ${stream}: the store put revision ${last} at ${result.revision}; the restore stopped`);
    position = result.position;
  }
  return position;
}

/** An exported event as an append: its recorded instant travels in the metadata, where every adapter reads it. */
export function asNewEvent(event: RecordedEvent): NewEvent {
  const metadata = typeof event.metadata.recordedAt === 'string' ? event.metadata : { ...event.metadata, recordedAt: event.recordedAt };
  return { eventId: event.eventId, type: event.type, data: event.data, metadata };
}
