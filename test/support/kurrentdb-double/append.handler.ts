/**
 * `Streams.Append`, a client-streaming call: one options message (stream and expected state), then the proposed
 * messages. Nothing is written before the client half-closes, so a batch is all or nothing, as on the server.
 */
import * as grpc from '@grpc/grpc-js';
import { type AppendReq, AppendResp } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_pb';
import { Empty } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/shared_pb';
import { parseUuid, streamNameOf } from './read-resp.mapper';
import type { CommitOutcome, ExpectedState, ProposedEvent, TransactionLog } from './transaction.log';

const invalidArgument = (details: string): Partial<grpc.StatusObject> => ({ code: grpc.status.INVALID_ARGUMENT, details });

const expectedStateOf = (options: AppendReq.Options): ExpectedState => {
  if (options.hasRevision()) return { kind: 'revision', revision: BigInt(options.getRevision()) };
  if (options.hasNoStream()) return { kind: 'no-stream' };
  if (options.hasStreamExists()) return { kind: 'stream-exists' };
  return { kind: 'any' };
};

/** The server rejects a proposed message without an id, a type or a content type. */
const proposedEventOf = (message: AppendReq.ProposedMessage): ProposedEvent | string => {
  const eventId = parseUuid(message.getId());
  const type = message.getMetadataMap().get('type');
  const contentType = message.getMetadataMap().get('content-type');
  if (!eventId) return 'Required property "id" is missing';
  if (type === undefined) return 'Required metadata property "type" is missing';
  if (contentType === undefined) return 'Required metadata property "content-type" is missing';
  return { eventId, type, contentType, data: message.getData_asU8(), customMetadata: message.getCustomMetadata_asU8() };
};

const wrongExpectedVersion = (expected: ExpectedState, currentRevision: bigint): AppendResp.WrongExpectedVersion => {
  const wrong = new AppendResp.WrongExpectedVersion();
  if (currentRevision < 0n) wrong.setCurrentNoStream(new Empty());
  else wrong.setCurrentRevision(currentRevision.toString());
  if (expected.kind === 'revision') wrong.setExpectedRevision(expected.revision.toString());
  else if (expected.kind === 'no-stream') wrong.setExpectedNoStream(new Empty());
  else if (expected.kind === 'stream-exists') wrong.setExpectedStreamExists(new Empty());
  else wrong.setExpectedAny(new Empty());
  return wrong;
};

const responseOf = (outcome: CommitOutcome, expected: ExpectedState): AppendResp => {
  switch (outcome.kind) {
    case 'wrong-expected-version':
      return new AppendResp().setWrongExpectedVersion(wrongExpectedVersion(expected, outcome.currentRevision));
    case 'nothing-written': {
      const success = new AppendResp.Success().setNoPosition(new Empty());
      if (outcome.currentRevision < 0n) success.setNoStream(new Empty());
      else success.setCurrentRevision(outcome.currentRevision.toString());
      return new AppendResp().setSuccess(success);
    }
    case 'written':
    case 'idempotent': {
      // An idempotent retry answers with the original last revision and position (KurrentDB's AlreadyCommitted).
      const position = outcome.position.toString();
      return new AppendResp().setSuccess(
        new AppendResp.Success()
          .setCurrentRevision(outcome.lastRevision.toString())
          .setPosition(new AppendResp.Position().setCommitPosition(position).setPreparePosition(position)),
      );
    }
  }
};

export const appendHandler =
  (log: TransactionLog): grpc.handleClientStreamingCall<AppendReq, AppendResp> =>
  (call, callback) => {
    let options: AppendReq.Options | undefined;
    const events: ProposedEvent[] = [];
    let rejected: string | undefined;
    call.on('data', (request: AppendReq) => {
      if (request.hasOptions()) {
        if (options) rejected ??= 'Options were sent twice';
        options = request.getOptions();
      } else if (request.hasProposedMessage()) {
        if (!options) rejected ??= 'Options must come before the proposed messages';
        const proposed = proposedEventOf(request.getProposedMessage()!);
        if (typeof proposed === 'string') rejected ??= proposed;
        else events.push(proposed);
      }
    });
    call.on('end', () => {
      if (rejected !== undefined || !options) return callback(invalidArgument(rejected ?? 'Options are missing'));
      const stream = streamNameOf(options.getStreamIdentifier());
      if (stream === '') return callback(invalidArgument('Stream name is empty'));
      const expected = expectedStateOf(options);
      callback(null, responseOf(log.append(stream, expected, events), expected));
    });
    // A client that goes away mid-batch (cancel, deadline) commits nothing: the batch was never complete.
    call.on('error', () => undefined);
  };
