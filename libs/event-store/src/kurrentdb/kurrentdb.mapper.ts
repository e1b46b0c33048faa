/** Conversions between the port's events and the KurrentDB client's, and the position rules of the server. */
import {
  ANY,
  NO_STREAM,
  START,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AppendStreamState,
  type CurrentStreamState,
  type EventData,
  type JSONEventType,
  type ReadPosition,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import type { ExpectedRevision, NewEvent, RecordedEvent } from '@annals/application';

/** Stream reads on servers before 22.6 carry no position (or this sentinel); the port needs one per event. */
const NO_POSITION = (1n << 64n) - 1n;

type StoredJson = JSONEventType<string, Record<string, unknown>, Record<string, unknown>>;

export const streamStateOf = (expected: ExpectedRevision): AppendStreamState =>
  expected === 'any' ? ANY : expected === 'no-stream' ? NO_STREAM : expected;

export const actualRevisionOf = (actual: CurrentStreamState): bigint | 'no-stream' => (actual === NO_STREAM ? 'no-stream' : actual);

/** Our event id becomes the server's: that is what makes a retried append idempotent on the server. */
export const eventDataOf = (event: NewEvent): EventData<StoredJson> =>
  jsonEvent<StoredJson>({ id: event.eventId, type: event.type, data: event.data, metadata: event.metadata });

/**
 * $all reads start AT a position (inclusive), subscriptions AFTER it. The port's positions are commit positions
 * of events, and gRPC-written events commit themselves, so commit = prepare addresses the event exactly.
 */
export const readPositionOf = (position: bigint): ReadPosition => (position === 0n ? START : { commit: position, prepare: position });

/** System events are skipped by the server-side filter (on `$` types); events in `$` streams are skipped here. */
export const isSystemStream = (stream: string): boolean => stream.startsWith('$');

/**
 * The server's commit time, to the second. The native bridge (stream and $all reads) truncates `created` to
 * whole seconds while the grpc-js path (subscriptions) keeps milliseconds; cutting both to seconds keeps the
 * same event's `recordedAt` equal on every path (a rebuild reads, a live projection subscribes).
 */
const commitTimeOf = (created: Date): string => new Date(Math.floor(created.getTime() / 1000) * 1000).toISOString();

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Maps one resolved event; throws when it cannot be represented in the port (binary data, no position). */
export const recordedEventOf = (resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent => {
  const event = resolved.event;
  if (!event) throw new Error('KurrentDB returned a link to a deleted event; links are not resolved by this store');
  const position = event.position?.commit;
  if (position === undefined || position === NO_POSITION) {
    throw new Error(`KurrentDB returned ${event.streamId}@${event.revision} without a position: version 22.6 or later is required`);
  }
  if (!event.isJson || !isRecord(event.data)) {
    throw new Error(`Event ${event.id} in ${event.streamId} is not a JSON object; this store only reads JSON events`);
  }
  const metadata = isRecord(event.metadata) ? event.metadata : {};
  return {
    position,
    stream: event.streamId,
    revision: event.revision,
    eventId: event.id,
    type: event.type,
    data: event.data,
    metadata,
    recordedAt: typeof metadata.recordedAt === 'string' ? metadata.recordedAt : commitTimeOf(event.created),
  };
};
