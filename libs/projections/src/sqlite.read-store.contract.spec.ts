import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteReadDatabase } from '@annals/read-store';
import { describeReadStoreContract, type ReadStoreFixture } from './read-store.contract';
import { describeRunnerContract } from './runner.contract';

const open = (): Promise<ReadStoreFixture> => {
  const dir = mkdtempSync(join(tmpdir(), 'annals-views-'));
  const file = join(dir, 'views.db');
  const read = openSqliteReadDatabase(file);
  return Promise.resolve({
    read,
    openAnother: () => openSqliteReadDatabase(file),
    cleanup: async () => {
      await read.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
};

describeReadStoreContract('sqlite', open);
describeRunnerContract('sqlite', open);
