import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { DIGEST_ORDER } from './view-schema';
import type { ViewDb, ViewTable } from './view-tables';

/** sha256 over every row of the tables in a total order: equal content, equal digest, on any dialect. */
export async function digestTables(db: ViewDb, tables: ReadonlyArray<{ table: ViewTable; physical: string }>): Promise<string> {
  const hash = createHash('sha256');
  for (const { table, physical } of tables) {
    hash.update(`#${table}\n`);
    const rows = db
      .selectFrom(physical as ViewTable)
      .selectAll()
      .orderBy(sql.raw(DIGEST_ORDER[table]))
      .stream(1000);
    let count = 0;
    for await (const row of rows) {
      hash.update(`${JSON.stringify(Object.values(row).map(normalize))}\n`);
      // Let other requests in between chunks: the SQLite driver reads synchronously.
      if (++count % 2000 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return hash.digest('hex');
}

const normalize = (value: unknown): unknown => (typeof value === 'bigint' ? Number(value) : value);
