/** Conversions between the double's stored events and the v1 protocol messages, as the server encodes them. */
import { type ReadReq, ReadResp } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_pb';
import { StreamIdentifier, UUID } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/shared_pb';
import type { StoredEvent } from './transaction.log';

/** The server's default filter search window (events considered per page) when the client sends `count`. */
const DEFAULT_SEARCH_WINDOW = 32;
const INT64_BITS = 64;

/** Stream names travel as UTF-8 bytes. */
export const streamNameOf = (identifier: StreamIdentifier | undefined): string =>
  Buffer.from(identifier?.getStreamName_asU8() ?? new Uint8Array()).toString('utf8');

export const streamIdentifier = (name: string): StreamIdentifier =>
  new StreamIdentifier().setStreamName(Uint8Array.from(Buffer.from(name, 'utf8')));

/** Accepts both encodings a client may use: the string form, or two signed 64-bit halves. */
export const parseUuid = (uuid: UUID | undefined): string | undefined => {
  if (!uuid) return undefined;
  if (uuid.hasString()) return uuid.getString().toLowerCase();
  const structured = uuid.getStructured();
  if (!structured) return undefined;
  const half = (value: string) => BigInt.asUintN(INT64_BITS, BigInt(value)).toString(16).padStart(16, '0');
  const hex = half(structured.getMostSignificantBits()) + half(structured.getLeastSignificantBits());
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** The server answers in the encoding the request asked for (`uuid_option`). */
const encodeUuid = (id: string, structured: boolean): UUID => {
  if (!structured) return new UUID().setString(id);
  const hex = id.replace(/-/g, '');
  const half = (part: string) => BigInt.asIntN(INT64_BITS, BigInt(`0x${part}`)).toString();
  return new UUID().setStructured(
    new UUID.Structured().setMostSignificantBits(half(hex.slice(0, 16))).setLeastSignificantBits(half(hex.slice(16))),
  );
};

export const wantsStructuredIds = (options: ReadReq.Options): boolean => options.getUuidOption()?.hasStructured() ?? false;

/** One event as the server sends it; events written over gRPC commit themselves, so commit = prepare. */
export const eventResp = (event: StoredEvent, structuredIds: boolean): ReadResp => {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(encodeUuid(event.eventId, structuredIds))
    .setStreamIdentifier(streamIdentifier(event.stream))
    .setStreamRevision(event.revision.toString())
    .setCommitPosition(event.position.toString())
    .setPreparePosition(event.position.toString())
    .setCustomMetadata(event.customMetadata)
    .setData(event.data);
  recorded.getMetadataMap().set('type', event.type).set('content-type', event.contentType).set('created', event.created.toString());
  return new ReadResp().setEvent(new ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(event.position.toString()));
};

export const checkpointResp = (position: bigint): ReadResp =>
  new ReadResp().setCheckpoint(new ReadResp.Checkpoint().setCommitPosition(position.toString()).setPreparePosition(position.toString()));

export const streamNotFoundResp = (stream: string): ReadResp =>
  new ReadResp().setStreamNotFound(new ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(stream)));

export interface EventFilter {
  readonly matches: (event: StoredEvent) => boolean;
  /** Events considered between two checkpoints of a filtered subscription. */
  readonly checkpointInterval: number;
}

/** The server's filters: on event type or stream name, by regular expression or by a list of prefixes. */
export const eventFilterOf = (options: ReadReq.Options): EventFilter | undefined => {
  const filter = options.getFilter();
  if (!filter) return undefined;
  const onStream = filter.hasStreamIdentifier();
  const expression = onStream ? filter.getStreamIdentifier() : filter.getEventType();
  const prefixes = expression?.getPrefixList() ?? [];
  const regex = expression?.getRegex() ? new RegExp(expression.getRegex()) : undefined;
  const subject = (event: StoredEvent) => (onStream ? event.stream : event.type);
  const matches = (event: StoredEvent) =>
    regex ? regex.test(subject(event)) : prefixes.length === 0 || prefixes.some((prefix) => subject(event).startsWith(prefix));
  const window = filter.hasMax() ? filter.getMax() : DEFAULT_SEARCH_WINDOW;
  return { matches, checkpointInterval: Math.max(1, filter.getCheckpointintervalmultiplier()) * window };
};
