import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, StreamWriter, WritePlanner, registerBuiltInOrganizations, type EventStore } from '@annals/application';
import type { ReadDatabase } from '@annals/read-store';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { NdjsonImport } from '../imports/ndjson-import';
import { LiveFeed } from '../live/live-feed';
import { READ_DATABASE } from './persistence.module';
import { Projections } from './projections';

/** The bundled sample dataset, found next to the compiled and the source tree alike. */
export function sampleDataFile(): string | undefined {
  const candidates = [
    join(__dirname, '..', '..', 'sample-data', 'annals-sample.ndjson'),
    join(__dirname, '..', '..', '..', '..', '..', 'apps', 'api', 'sample-data', 'annals-sample.ndjson'),
  ];
  return candidates.find((file) => existsSync(file));
}

/**
 * Start: views' tables and checkpoints, the built-in organizations, the sample data on an empty store, then
 * the projection runner. Stop: the runner first, then the stores, so nothing acknowledged is cut off.
 */
@Injectable()
export class AnnalsLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Annals');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_DATABASE) private readonly read: ReadDatabase,
    private readonly runner: Projections,
    private readonly writer: StreamWriter,
    private readonly planner: WritePlanner,
    private readonly importer: NdjsonImport,
    private readonly live: LiveFeed,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.init();
    const empty = (await this.store.headPosition()) === 0n;
    const system = { actor: 'annals', correlationId: 'bootstrap' };
    await registerBuiltInOrganizations(this.planner, this.writer, system);
    await this.runner.start();
    await this.live.start();
    if (empty && this.config.sampleData) await this.importSample();
  }

  private async importSample(): Promise<void> {
    const file = sampleDataFile();
    if (!file) return this.logger.warn('SAMPLE_DATA is on but the sample dataset file is missing');
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    const report = await this.importer.run(lines, { actor: 'annals', correlationId: 'sample-data' });
    this.logger.log(`sample data: ${report.accepted} accepted, ${report.rejected.length} rejected`);
    for (const rejected of report.rejected)
      this.logger.warn(`sample data line ${rejected.line}: ${rejected.code} ${rejected.detail ?? ''}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
    await this.store.close();
    await this.read.close();
  }
}
