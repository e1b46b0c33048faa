import { openPostgresReadDatabase } from '@annals/read-store';
import { createTestDatabase } from '../../../test/support/postgres';
import { describeReadStoreContract } from './read-store.contract';

describeReadStoreContract('postgres', async () => {
  const database = await createTestDatabase();
  const read = openPostgresReadDatabase(database.url, { standbyPollMs: 100 });
  return {
    read,
    openAnother: () => openPostgresReadDatabase(database.url, { standbyPollMs: 100 }),
    cleanup: async () => {
      await read.close();
      await database.drop();
    },
  };
});
