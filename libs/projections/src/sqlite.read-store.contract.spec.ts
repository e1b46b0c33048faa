import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteReadDatabase } from '@annals/read-store';
import { describeReadStoreContract } from './read-store.contract';

describeReadStoreContract('sqlite', () => {
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
});
