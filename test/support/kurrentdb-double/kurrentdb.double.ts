/**
 * An in-process test double of a single insecure KurrentDB node, served over real gRPC (HTTP/2) on a random
 * loopback port, so the real `@kurrent/kurrentdb-client` — both its grpc-js calls (append, subscriptions) and
 * its native `@kurrent/bridge` reads — can be tested where no server can run.
 *
 * Implemented: `Streams.Append`, `Streams.Read` (stream and $all reads, filters, subscriptions) and
 * `ServerFeatures.GetSupportedMethods`. Not implemented (UNIMPLEMENTED): `Streams.BatchAppend` — it is not
 * advertised, so the client falls back to `Append` — and `Delete`/`Tombstone`.
 */
import * as grpc from '@grpc/grpc-js';
import { StreamsService } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_grpc_pb';
import { ServerFeaturesService } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_grpc_pb';
import { SupportedMethod, SupportedMethods } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_pb';
import { appendHandler } from './append.handler';
import { ReadHandler } from './read.handler';
import { TransactionLog } from './transaction.log';

export interface KurrentDbDouble {
  /** A connection string for `KurrentDBClient.connectionString` (insecure: the double speaks plaintext HTTP/2). */
  readonly url: string;
  /** Ends every open subscription with UNAVAILABLE, as a node does when it loses them; the log is kept. */
  dropSubscriptions(): void;
  stop(): Promise<void>;
}

/** The server version the double claims: the bridge parses it as semver. */
const SERVER_VERSION = '24.10.0';
const SHUTDOWN_GRACE_MS = 1_000;

const unimplemented = (call: { emit(event: 'error', error: Partial<grpc.StatusObject>): unknown }): void => {
  call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'Not implemented by the KurrentDB test double' });
};

/** Lists what the double implements; without BatchAppend the client appends with Append. */
const supportedMethods = (): SupportedMethods =>
  new SupportedMethods()
    .setEventStoreServerVersion(SERVER_VERSION)
    .setMethodsList([
      new SupportedMethod().setServiceName('event_store.client.streams.streams').setMethodName('read'),
      new SupportedMethod().setServiceName('event_store.client.streams.streams').setMethodName('append'),
      new SupportedMethod().setServiceName('event_store.client.server_features.serverfeatures').setMethodName('getsupportedmethods'),
    ]);

/** A fresh node already holds system events (users, settings); they let tests check that filters skip them. */
const seedSystemEvents = (log: TransactionLog): void => {
  const json = (value: unknown) => ({
    contentType: 'application/json',
    data: Buffer.from(JSON.stringify(value)),
    customMetadata: new Uint8Array(),
  });
  log.append('$users', { kind: 'any' }, [
    { eventId: '00000000-0000-4000-8000-000000000001', type: '$UserCreated', ...json({ LoginName: 'admin' }) },
  ]);
  log.append('$settings', { kind: 'any' }, [
    { eventId: '00000000-0000-4000-8000-000000000002', type: '$settings', ...json({ $userStreamAcl: {} }) },
  ]);
};

export async function startKurrentDbDouble(): Promise<KurrentDbDouble> {
  const log = new TransactionLog();
  seedSystemEvents(log);
  const reads = new ReadHandler(log);
  const server = new grpc.Server();
  server.addService(StreamsService, {
    read: reads.handle,
    append: appendHandler(log),
    batchAppend: unimplemented,
    delete: (_call: unknown, callback: grpc.sendUnaryData<never>) => callback({ code: grpc.status.UNIMPLEMENTED }),
    tombstone: (_call: unknown, callback: grpc.sendUnaryData<never>) => callback({ code: grpc.status.UNIMPLEMENTED }),
  });
  server.addService(ServerFeaturesService, {
    getSupportedMethods: (_call: unknown, callback: grpc.sendUnaryData<SupportedMethods>) => callback(null, supportedMethods()),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );

  let stopped: Promise<void> | undefined;
  return {
    url: `kurrentdb://127.0.0.1:${port}?tls=false`,
    dropSubscriptions: () => reads.dropSubscriptions(grpc.status.UNAVAILABLE, 'Subscription dropped by the test double'),
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        reads.dropSubscriptions(grpc.status.UNAVAILABLE, 'Server is shutting down');
        // Graceful first, so the drop statuses reach the clients; forced if a client keeps a call open.
        const force = setTimeout(() => server.forceShutdown(), SHUTDOWN_GRACE_MS);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      })),
  };
}
