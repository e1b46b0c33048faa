import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EventStore } from '@annals/application';
import { KurrentDbEventStore, SqliteEventStore } from '@annals/event-store';
import { openPostgresReadDatabase, openSqliteReadDatabase, type ReadDatabase } from '@annals/read-store';
import type { AppConfig } from '../config/app-config';

/** The adapters behind the ports, chosen by configuration (no Nest here: the projections worker opens them too). */
/**
 * `use`: the writers' store (the default), or the projection runner's, which reads the log in order and appends
 * nothing: 4 MiB of page cache is plenty for that (read-ahead comes from the OS), where SQLite's default is 16.
 */
export function openEventStore(config: AppConfig, use: 'writes' | 'projections' = 'writes'): EventStore {
  if (config.eventStore === 'kurrentdb') return new KurrentDbEventStore({ connectionString: config.kurrentDbUrl! });
  mkdirSync(config.dataDir, { recursive: true });
  return new SqliteEventStore({
    filename: join(config.dataDir, 'events.db'),
    synchronous: config.sqliteSynchronous,
    // The writers' group commits run on a thread of their own: a commit's fsync never holds up the requests.
    ...(use === 'projections' ? { cacheMb: 4 } : { writer: 'thread' }),
  });
}

/** `use`: the request thread's reads (the default), or the projection runner's writes (see `ConnectionUse`). */
export function openReadDatabase(config: AppConfig, use: 'reads' | 'projections' = 'reads'): ReadDatabase {
  if (config.readStore === 'postgres') return openPostgresReadDatabase(config.databaseUrl!);
  mkdirSync(config.dataDir, { recursive: true });
  return openSqliteReadDatabase(join(config.dataDir, 'views.db'), { use });
}
