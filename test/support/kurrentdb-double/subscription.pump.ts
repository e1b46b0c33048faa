/**
 * One catch-up subscription (a `Read` call with subscription options), served the way the server does it:
 * confirmation, the stored events after the start, a checkpoint and `caught_up` when it reaches the end, then
 * each new event as it is committed, on the same open call.
 *
 * Catch-up and live are one cursor over the log here: the log lives in this process and commits run on this
 * event loop, so "reached the end" and "now follow commits" cannot interleave with an append — no gap and no
 * duplicate at the hand-over, which is what the real server guarantees with its live buffer and checkpoints.
 */
import * as grpc from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import { type ReadReq, ReadResp } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_pb';
import { checkpointResp, eventResp } from './read-resp.mapper';
import type { StoredEvent, TransactionLog } from './transaction.log';

export interface SubscriptionSource {
  /** Read each time, not captured: a stream's array only exists once its first event is committed. */
  readonly events: () => readonly StoredEvent[];
  readonly startIndex: number;
  readonly matches: (event: StoredEvent) => boolean;
  /** Set for filtered $all subscriptions only: they report progress over filtered-out events with checkpoints. */
  readonly checkpointInterval?: number;
  /** $all subscriptions report positions when caught up, stream subscriptions report revisions. */
  readonly scope: 'all' | 'stream';
  /** The exclusive start position, if any: the first checkpoint the server could send. */
  readonly startPosition?: bigint;
}

export class SubscriptionPump {
  private index: number;
  private considered = 0;
  private lastPosition: bigint | undefined;
  private lastRevision: bigint | undefined;
  private caughtUp = false;
  private waitingForDrain = false;
  private stopped = false;
  private readonly stopFollowing: () => void;

  constructor(
    private readonly call: grpc.ServerWritableStream<ReadReq, ReadResp>,
    log: TransactionLog,
    private readonly source: SubscriptionSource,
    private readonly structuredIds: boolean,
    private readonly onStop: () => void,
  ) {
    this.index = source.startIndex;
    this.lastPosition = source.startPosition;
    if (source.scope === 'stream' && source.startIndex > 0) this.lastRevision = BigInt(source.startIndex - 1);
    this.stopFollowing = log.onCommit(() => this.pump());
    call.on('cancelled', () => this.stop());
  }

  start(): void {
    this.call.write(new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID())));
    this.pump();
  }

  /** Ends the call with a status, as a server that loses the subscription (or shuts down) does. */
  drop(code: grpc.status, details: string): void {
    if (this.stopped) return;
    this.stop();
    const error: Partial<grpc.StatusObject> = { code, details, metadata: new grpc.Metadata() };
    this.call.emit('error', error);
  }

  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stopFollowing();
    this.onStop();
  }

  /** Sends what is pending; pauses when the client stops reading (HTTP/2 flow control) and resumes on drain. */
  private pump(): void {
    if (this.stopped || this.waitingForDrain) return;
    const events = this.source.events();
    while (this.index < events.length) {
      const event = events[this.index++]!;
      this.lastPosition = event.position;
      this.lastRevision = event.revision;
      let writable = true;
      if (this.source.matches(event)) writable = this.call.write(eventResp(event, this.structuredIds));
      if (this.source.checkpointInterval !== undefined && ++this.considered >= this.source.checkpointInterval) {
        this.considered = 0;
        writable = this.call.write(checkpointResp(event.position)) && writable;
      }
      if (!writable) {
        this.waitingForDrain = true;
        this.call.once('drain', () => {
          this.waitingForDrain = false;
          this.pump();
        });
        return;
      }
    }
    if (!this.caughtUp) this.reportCaughtUp();
  }

  private reportCaughtUp(): void {
    this.caughtUp = true;
    // A filtered $all subscription checkpoints when it goes live, so a client can resume past filtered events.
    if (this.source.checkpointInterval !== undefined && this.lastPosition !== undefined) {
      this.call.write(checkpointResp(this.lastPosition));
    }
    const caughtUp = new ReadResp.CaughtUp().setTimestamp(Timestamp.fromDate(new Date()));
    if (this.source.scope === 'all' && this.lastPosition !== undefined) {
      const position = this.lastPosition.toString();
      caughtUp.setPosition(new ReadResp.Position().setCommitPosition(position).setPreparePosition(position));
    }
    if (this.source.scope === 'stream' && this.lastRevision !== undefined) caughtUp.setStreamRevision(this.lastRevision.toString());
    this.call.write(new ReadResp().setCaughtUp(caughtUp));
  }
}
