import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore } from '@annals/application';
import { describeEventStoreContract } from '../event-store.contract';
import { SqliteEventStore } from './sqlite.event-store';

describeEventStoreContract(
  'sqlite',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'annals-contract-'));
    const filename = join(dir, 'events.db');
    let store: EventStore = new SqliteEventStore({ filename });
    return {
      get store() {
        return store;
      },
      reopen: async () => {
        await store.close();
        store = new SqliteEventStore({ filename });
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
