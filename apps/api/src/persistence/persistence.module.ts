import { Global, Logger, Module, type DynamicModule } from '@nestjs/common';
import { CLOCK, EVENT_STORE, PROJECTION_PROGRESS, READ_STORE, systemClock, type EventStore } from '@annals/application';
import { SqliteEventStore } from '@annals/event-store';
import { ProjectionRunner } from '@annals/projections';
import { KyselyReadStore, type ReadDatabase } from '@annals/read-store';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { Projections } from './projections';
import { ProjectionsWorker } from './projections-worker';
import { openEventStore, openReadDatabase } from './stores';

export { openEventStore, openReadDatabase } from './stores';

export const READ_DATABASE = Symbol('READ_DATABASE');

/** The embedded store tells the projections worker of each commit (its own connection would only see it on a poll). */
function announcingCommits(store: EventStore, committed: () => void): EventStore {
  if (!(store instanceof SqliteEventStore)) return store;
  // The appends of one group commit are answered together (an import chunk: hundreds): one message for them all.
  let announcing = false;
  const announce = () => {
    if (announcing) return;
    announcing = true;
    queueMicrotask(() => {
      announcing = false;
      committed();
    });
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'append')
        return async (...args: Parameters<EventStore['append']>) => {
          const result = await target.append(...args);
          announce();
          return result;
        };
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

/** The adapters behind the ports, chosen by configuration; the projection runner in its worker thread. */
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
        {
          provide: Projections,
          useFactory: () => new ProjectionsWorker(config, { log: (m) => logger.log(m), error: (m) => logger.error(m) }),
        },
        {
          provide: EVENT_STORE,
          useFactory: (projections: ProjectionsWorker) => announcingCommits(openEventStore(config), () => projections.committed()),
          inject: [Projections],
        },
        // The main thread's own views connection: reads only (the worker writes); it follows the worker's swaps.
        {
          provide: READ_DATABASE,
          useFactory: (projections: ProjectionsWorker) => {
            const read = openReadDatabase(config);
            projections.readStatusesFrom(read);
            projections.onViewsSwapped(() => {
              read
                .refresh()
                .catch((error: unknown) => logger.error(`the views of the new generation could not be opened: ${String(error)}`));
            });
            return read;
          },
          inject: [Projections],
        },
        {
          provide: READ_STORE,
          useFactory: (read: ReadDatabase, projections: Projections) => {
            const store = new KyselyReadStore(read.db, read.dialect);
            // A new generation may be of another log (views rebuilt for a replaced events.db): no entry is kept.
            projections.onViewsSwapped(() => store.viewsReplaced());
            return store;
          },
          inject: [READ_DATABASE, Projections],
        },
        { provide: PROJECTION_PROGRESS, useExisting: Projections },
        // Embedders that asked for the runner by its class (the benchmarks' server) get the proxy: same surface.
        { provide: ProjectionRunner, useExisting: Projections },
      ],
      exports: [APP_CONFIG, CLOCK, EVENT_STORE, READ_DATABASE, READ_STORE, Projections, ProjectionRunner, PROJECTION_PROGRESS],
    };
  }
}
