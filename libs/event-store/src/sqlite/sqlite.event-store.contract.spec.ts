import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore } from '@annals/application';
import { describeEventStoreContract } from '../event-store.contract';
import { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite.event-store';

// The service's writes run their group commits on a writer thread (the built one: `npm run build` first).
for (const writer of ['inline', 'thread'] as const) {
  describeEventStoreContract(
    writer === 'inline' ? 'sqlite' : 'sqlite, writer thread',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'annals-contract-'));
      const options: SqliteEventStoreOptions = { filename: join(dir, 'events.db'), writer };
      let store: EventStore = new SqliteEventStore(options);
      return {
        get store() {
          return store;
        },
        reopen: async () => {
          await store.close();
          store = new SqliteEventStore(options);
          return store;
        },
        cleanup: async () => {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
    { eventIdsUniqueAcrossStreams: true, restoresPositions: true },
  );
}
