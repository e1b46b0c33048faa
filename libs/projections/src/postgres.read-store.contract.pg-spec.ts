import { openPostgresReadDatabase } from '@annals/read-store';
import { createTestDatabase } from '../../../test/support/postgres';
import { describeReadStoreContract, type ReadStoreFixture } from './read-store.contract';
import { describeRunnerContract } from './runner.contract';

const open = async (): Promise<ReadStoreFixture> => {
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
};

describeReadStoreContract('postgres', open);
describeRunnerContract('postgres', open);
