import type { EventStore } from '@annals/application';
import { startKurrentDbDouble } from '../../../../test/support/kurrentdb-double';
import { describeEventStoreContract } from '../event-store.contract';
import { KurrentDbEventStore } from './kurrentdb.event-store';

/**
 * Against a real server when KURRENTDB_URL is set (e.g. `kurrentdb://localhost:2113?tls=false`), otherwise
 * against a fresh in-process double of one, so the real client is exercised over real gRPC either way.
 */
describeEventStoreContract(
  'kurrentdb',
  async () => {
    const external = process.env.KURRENTDB_URL;
    const double = external ? undefined : await startKurrentDbDouble();
    const connectionString = external ?? double!.url;
    let store: EventStore = new KurrentDbEventStore({ connectionString });
    return {
      get store() {
        return store;
      },
      reopen: async () => {
        await store.close();
        store = new KurrentDbEventStore({ connectionString });
        return store;
      },
      cleanup: async () => {
        await store.close();
        await double?.stop();
      },
    };
  },
  { eventIdsUniqueAcrossStreams: false },
);
