import type { EventStore } from '@annals/application';
import { toRawEvent } from '../operations/operations.controller';
import { DataOutput } from './cli-output';
import { DevelopmentsExport } from './developments-export';

type Log = (line: string) => void;

/** How often progress goes to stderr on a long export. */
const PROGRESS_EVERY_MS = 2000;

/**
 * `annals export`: the whole log, one event a line with the keys of `GET /api/events`, on stdout and nothing else
 * there. Progress and the final count go to stderr; a reader that closes the pipe ends it quietly (exit 0).
 */
export async function exportLog(store: EventStore, log: Log, output = new DataOutput()): Promise<number> {
  let written = 0;
  let lastProgress = Date.now();
  for await (const event of store.readAll({ batchSize: 1000 })) {
    await output.line(JSON.stringify(toRawEvent(event)));
    if (output.closed) return 0;
    written++;
    if (Date.now() - lastProgress > PROGRESS_EVERY_MS) {
      lastProgress = Date.now();
      log(`export: ${written} events so far (position ${event.position})`);
    }
  }
  log(`export: ${written} events written`);
  return 0;
}

/** `annals export --developments`: the current state of every development, as lines `annals import` takes. */
export async function exportDevelopments(store: EventStore, log: Log, output = new DataOutput()): Promise<number> {
  const developments = new DevelopmentsExport();
  for await (const event of store.readAll({ batchSize: 1000 })) developments.add(event);
  let written = 0;
  for (const line of developments.lines()) {
    await output.line(JSON.stringify(line));
    if (output.closed) return 0;
    written++;
  }
  log(`export: ${written} import lines written (current state of each development; retracted ones left out)`);
  return 0;
}
