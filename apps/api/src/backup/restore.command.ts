import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DamagedExportError, restoreLog, type EventStore } from '@annals/application';
import { ALL_PROJECTIONS, ProjectionRunner } from '@annals/projections';
import type { AppConfig } from '../config/app-config';
import { openEventStore, openReadDatabase } from '../persistence/persistence.module';
import { checkExport, readExport } from './export-file';

type Log = (line: string) => void;

/** How long restore tries for the views' writer lease before concluding a service holds it. */
const LEASE_WAIT_MS = 2500;
const PROGRESS_EVERY_MS = 1000;

/**
 * `annals restore FILE|-`: an export back into an EMPTY event store of either adapter, then the views built from
 * it. Exit 2: the store is not empty or the file is missing; 1: the file is not a well-formed export (nothing
 * written); 4: a running service holds the views.
 */
export async function restoreCommand(config: AppConfig, args: readonly string[], log: Log): Promise<number> {
  const source = args[0];
  if (!source) {
    log('usage: annals restore FILE.ndjson   (or - to read the export from stdin)');
    return 2;
  }
  let spool: string | undefined;
  try {
    let file = source;
    if (source === '-') {
      // Two passes (check, then write) need the export twice: stdin is kept in a scratch file meanwhile.
      spool = mkdtempSync(join(tmpdir(), 'annals-restore-'));
      file = join(spool, 'stdin.ndjson');
      await pipeline(process.stdin, createWriteStream(file));
    } else if (!existsSync(source) || !statSync(source).isFile()) {
      log(`restore: no such file: ${source}`);
      return 2;
    }
    return await restoreFile(config, file, source === '-' ? 'stdin' : source, log);
  } finally {
    if (spool) rmSync(spool, { recursive: true, force: true });
  }
}

async function restoreFile(config: AppConfig, file: string, name: string, log: Log): Promise<number> {
  const store = openEventStore(config);
  const target = config.eventStore === 'kurrentdb' ? 'the KurrentDB event store' : `the event store in ${config.dataDir}`;
  try {
    const head = await store.headPosition();
    if (head !== 0n) {
      log(
        `restore: ${target} is not empty (its log ends at position ${head}); restore writes only into an empty store. ` +
          'Nothing was written: point DATA_DIR (or KURRENTDB_URL) at a new one.',
      );
      return 2;
    }
    let total: number;
    const checking = performance.now();
    try {
      total = await checkExport(file);
    } catch (error) {
      if (!(error instanceof DamagedExportError)) throw error;
      log(`restore: ${name} is not a well-formed export of annals: ${error.message}. Nothing was written.`);
      return 1;
    }
    const checked = ((performance.now() - checking) / 1000).toFixed(2);
    log(`restore: ${name} holds a whole log of ${total} events (checked in ${checked} s); restoring them into ${target}`);
    return await restoreChecked(config, store, file, total, log);
  } finally {
    await store.close();
  }
}

async function restoreChecked(config: AppConfig, store: EventStore, file: string, total: number, log: Log): Promise<number> {
  const read = openReadDatabase(config);
  const lease = await read.acquireRunnerLease(AbortSignal.timeout(LEASE_WAIT_MS));
  try {
    if (!lease) {
      log('restore: a running Annals service writes these views (it holds their lease); stop it first. Nothing was written.');
      return 4;
    }
    const runner = new ProjectionRunner(store, read, ALL_PROJECTIONS, { log, error: log });
    await runner.init({ leaseHeld: true });
    const started = performance.now();
    let lastProgress = started;
    const events = (async function* () {
      for await (const { event } of readExport(file)) yield event;
    })();
    const result = await restoreLog(store, events, {
      onProgress: (restored) => {
        const now = performance.now();
        if (now - lastProgress < PROGRESS_EVERY_MS && restored < total) return;
        lastProgress = now;
        log(`restore: ${restored}/${total} events (${Math.round((restored / Math.max(total, 1)) * 100)}%)`);
      },
    });
    const seconds = (performance.now() - started) / 1000;
    log(
      `restore: ${result.events} events written in ${seconds.toFixed(2)} s (${Math.round(result.events / Math.max(seconds, 1e-6))} events/s); building the views`,
    );
    await runner.rebuild(undefined, { newLog: true });
    for (const status of await runner.statuses()) log(`restore: view ${status.name}\tposition ${status.position}\tdigest ${status.digest}`);
    log(`restore: ${result.events} events restored, views built`);
    return 0;
  } finally {
    await lease?.release();
    await read.close();
  }
}
