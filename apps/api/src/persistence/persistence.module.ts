import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { CLOCK, EVENT_STORE, PROJECTION_PROGRESS, READ_STORE, systemClock, type EventStore } from '@annals/application';
import { KurrentDbEventStore, SqliteEventStore } from '@annals/event-store';
import { ALL_PROJECTIONS, ProjectionRunner } from '@annals/projections';
import { KyselyReadStore, openPostgresReadDatabase, openSqliteReadDatabase, type ReadDatabase } from '@annals/read-store';
import { Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

export const READ_DATABASE = Symbol('READ_DATABASE');

export function openEventStore(config: AppConfig): EventStore {
  if (config.eventStore === 'kurrentdb') return new KurrentDbEventStore({ connectionString: config.kurrentDbUrl! });
  mkdirSync(config.dataDir, { recursive: true });
  return new SqliteEventStore({ filename: join(config.dataDir, 'events.db'), synchronous: config.sqliteSynchronous });
}

export function openReadDatabase(config: AppConfig): ReadDatabase {
  if (config.readStore === 'postgres') return openPostgresReadDatabase(config.databaseUrl!);
  mkdirSync(config.dataDir, { recursive: true });
  return openSqliteReadDatabase(join(config.dataDir, 'views.db'));
}

/** The adapters behind the ports, chosen by configuration. */
@Global()
@Module({})
export class PersistenceModule {
  static forRoot(config: AppConfig): DynamicModule {
    const logger = new Logger('Projections');
    return {
      module: PersistenceModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: CLOCK, useValue: systemClock },
        { provide: EVENT_STORE, useFactory: () => openEventStore(config) },
        { provide: READ_DATABASE, useFactory: () => openReadDatabase(config) },
        { provide: READ_STORE, useFactory: (read: ReadDatabase) => new KyselyReadStore(read.db, read.dialect), inject: [READ_DATABASE] },
        {
          provide: ProjectionRunner,
          useFactory: (store: EventStore, read: ReadDatabase) =>
            new ProjectionRunner(store, read, ALL_PROJECTIONS, { log: (m) => logger.log(m), error: (m) => logger.error(m) }),
          inject: [EVENT_STORE, READ_DATABASE],
        },
        { provide: PROJECTION_PROGRESS, useExisting: ProjectionRunner },
      ],
      exports: [APP_CONFIG, CLOCK, EVENT_STORE, READ_DATABASE, READ_STORE, ProjectionRunner, PROJECTION_PROGRESS],
    };
  }
}
