/**
 * `Streams.Read`, a server-streaming call that serves three things depending on its options: a stream read,
 * a $all read, or (with subscription options) a catch-up subscription that stays open.
 */
import * as grpc from '@grpc/grpc-js';
import { ReadReq, type ReadResp } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_pb';
import { eventFilterOf, eventResp, streamNameOf, streamNotFoundResp, wantsStructuredIds } from './read-resp.mapper';
import { SubscriptionPump, type SubscriptionSource } from './subscription.pump';
import type { StoredEvent, TransactionLog } from './transaction.log';

type ReadCall = grpc.ServerWritableStream<ReadReq, ReadResp>;

const FORWARDS = ReadReq.Options.ReadDirection.FORWARDS;

/** Writes with backpressure, then ends the call; stops early if the client cancels. */
async function send(call: ReadCall, messages: Iterable<ReadResp>): Promise<void> {
  for (const message of messages) {
    if (call.cancelled) return;
    if (!call.write(message)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          call.off('drain', done);
          call.off('cancelled', done);
          resolve();
        };
        call.on('drain', done);
        call.on('cancelled', done);
      });
    }
  }
  if (!call.cancelled) call.end();
}

/** Event indexes from `from` towards `to` (inclusive), ascending or descending. */
function* indexes(from: number, to: number, forwards: boolean): Generator<number> {
  if (forwards) for (let index = from; index <= to; index++) yield index;
  else for (let index = from; index >= to; index--) yield index;
}

function* selected(
  events: readonly StoredEvent[],
  range: Iterable<number>,
  matches: (event: StoredEvent) => boolean,
  count: bigint,
  structuredIds: boolean,
): Generator<ReadResp> {
  let sent = 0n;
  for (const index of range) {
    if (sent >= count) return;
    const event = events[index];
    if (!event || !matches(event)) continue;
    sent++;
    yield eventResp(event, structuredIds);
  }
}

const everything = (): boolean => true;

export class ReadHandler {
  private readonly subscriptions = new Set<SubscriptionPump>();

  constructor(private readonly log: TransactionLog) {}

  readonly handle: grpc.handleServerStreamingCall<ReadReq, ReadResp> = (call) => {
    const options = call.request.getOptions();
    if (!options) {
      call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: 'Options are missing' });
    } else if (options.hasSubscription()) {
      this.subscribe(call, options);
    } else {
      const read = options.hasStream() ? this.readStream(call, options) : this.readAll(call, options);
      read.catch((error: unknown) => call.emit('error', { code: grpc.status.INTERNAL, details: String(error) }));
    }
  };

  /** Ends every open subscription with a status, as when the node loses them (or shuts down). */
  dropSubscriptions(code: grpc.status, details: string): void {
    for (const subscription of [...this.subscriptions]) subscription.drop(code, details);
  }

  private async readStream(call: ReadCall, options: ReadReq.Options): Promise<void> {
    const streamOptions = options.getStream()!;
    const stream = streamNameOf(streamOptions.getStreamIdentifier());
    const events = this.log.stream(stream);
    if (events.length === 0) return send(call, [streamNotFoundResp(stream)]);
    const forwards = options.getReadDirection() === FORWARDS;
    const last = events.length - 1;
    let from: number;
    if (streamOptions.hasRevision()) from = Number(BigInt(streamOptions.getRevision()));
    else if (streamOptions.hasEnd()) from = forwards ? events.length : last;
    else from = 0;
    if (!forwards) from = Math.min(from, last);
    const range = forwards ? indexes(from, last, true) : indexes(from, 0, false);
    await send(call, selected(events, range, everything, BigInt(options.getCount()), wantsStructuredIds(options)));
  }

  private async readAll(call: ReadCall, options: ReadReq.Options): Promise<void> {
    const allOptions = options.getAll()!;
    const events = this.log.all;
    const forwards = options.getReadDirection() === FORWARDS;
    // Forwards reads include the event at the position; backwards reads return the events before it.
    let from: number;
    if (allOptions.hasPosition()) {
      const at = this.log.indexAtOrAfter(BigInt(allOptions.getPosition()!.getCommitPosition()));
      from = forwards ? at : at - 1;
    } else if (allOptions.hasEnd()) from = forwards ? events.length : events.length - 1;
    else from = forwards ? 0 : -1;
    // A read sees the log as it was when it started, like a page read on the server.
    const range = forwards ? indexes(from, events.length - 1, true) : indexes(from, 0, false);
    const matches = eventFilterOf(options)?.matches ?? everything;
    await send(call, selected(events, range, matches, BigInt(options.getCount()), wantsStructuredIds(options)));
  }

  private subscribe(call: ReadCall, options: ReadReq.Options): void {
    const source = options.hasAll() ? this.allSource(options) : this.streamSource(options);
    const pump = new SubscriptionPump(call, this.log, source, wantsStructuredIds(options), () => this.subscriptions.delete(pump));
    this.subscriptions.add(pump);
    pump.start();
  }

  /** $all subscriptions start after the given position (exclusive), unlike reads. */
  private allSource(options: ReadReq.Options): SubscriptionSource {
    const allOptions = options.getAll()!;
    const filter = eventFilterOf(options);
    const base = {
      events: () => this.log.all,
      matches: filter?.matches ?? everything,
      checkpointInterval: filter?.checkpointInterval,
      scope: 'all' as const,
    };
    if (allOptions.hasPosition()) {
      const position = BigInt(allOptions.getPosition()!.getCommitPosition());
      return { ...base, startIndex: this.log.indexAtOrAfter(position + 1n), startPosition: position };
    }
    if (allOptions.hasEnd()) return { ...base, startIndex: this.log.all.length, startPosition: this.log.all.at(-1)?.position };
    return { ...base, startIndex: 0 };
  }

  /** Stream subscriptions start after the given revision (exclusive). */
  private streamSource(options: ReadReq.Options): SubscriptionSource {
    const streamOptions = options.getStream()!;
    const stream = streamNameOf(streamOptions.getStreamIdentifier());
    const startIndex = streamOptions.hasRevision()
      ? Number(BigInt(streamOptions.getRevision())) + 1
      : streamOptions.hasEnd()
        ? this.log.stream(stream).length
        : 0;
    return { events: () => this.log.stream(stream), startIndex, matches: everything, scope: 'stream' };
  }
}
