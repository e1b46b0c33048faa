/**
 * Regenerates the bundled sample dataset, `annals-sample.ndjson`: an export of a log whose recordedAt instants
 * are when each fact was first reported (see ../../../README and the seed facts), recorded through the real write
 * pipeline with the clock set to each of those instants. The developments themselves are authored in
 * `sample-developments.ndjson` (import lines); when each was recorded is the SCHEDULE below.
 *
 *   npm run build && node dist/apps/api/sample-data/record-sample.js   (from the repository root)
 */
import 'reflect-metadata';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { CLOCK, EVENT_STORE, deterministicUuid, type Clock, type EventStore } from '@annals/application';
import { isCreationType } from '@annals/domain';
import { AppModule } from '../src/app.module';
import { loadConfig } from '../src/config/app-config';
import { NdjsonImport } from '../src/imports/ndjson-import';
import { toRawEvent } from '../src/operations/operations.controller';

const DIR = join(process.cwd(), 'apps', 'api', 'sample-data');

/** The record was first compiled on this day: facts known long before are recorded then, in the story's order. */
const COMPILED = Date.parse('2024-05-01T09:00:00.000Z');
/** The built-in organizations, registered when the record was opened. */
const OPENED = '2024-05-01T08:00:00.000Z';

/**
 * When each fact was first reported (the source's publication date, a plausible hour in UTC, never before the
 * fact), by development id; corrections by `correction:<developmentId>:<n>` (n counts that development's
 * corrections from 1). Anything not listed was known before the record was compiled.
 */
const SCHEDULE: Record<string, string> = {
  // Kazakhstan's foreign ministry dates its presidency from 5 July 2023: noted the day after compiling.
  'correction:8296ef04-49fe-4d3a-874a-b67501e62ee0:1': '2024-05-02T10:00:00.000Z',
  // Bürgenstock: communiqué first shown as backed by 80 states (16 June), Iraq and Jordan withdrew (17 June),
  // Rwanda too (by 18 June).
  'bb41d9a5-9709-4f38-b947-82e987a67035': '2024-06-16T17:30:00.000Z',
  'correction:bb41d9a5-9709-4f38-b947-82e987a67035:1': '2024-06-17T14:00:00.000Z',
  'correction:bb41d9a5-9709-4f38-b947-82e987a67035:2': '2024-06-18T09:00:00.000Z',
  // Astana: the summit opens and Xi meets Putin (3 July); Belarus admitted and China takes over (4 July).
  'ed08356b-6cea-4041-8802-430f03bf1b55': '2024-07-03T05:00:00.000Z',
  'd8bc22be-5287-4107-a939-0c3dc8188dc4': '2024-07-03T11:00:00.000Z',
  '14bbc946-f1c7-45aa-962a-97c4c326ca7c': '2024-07-04T08:30:00.000Z',
  '5c2c3dec-c092-4aed-b242-757817b8da87': '2024-07-04T10:00:00.000Z',
  // BRICS: Kazan (22 October 2024), Brazil's chair (1 January 2025), Indonesia (reported 7 January), Rio (6 July).
  '49b9c3a0-18d7-4c22-bd6c-effc19b813fc': '2024-10-22T09:00:00.000Z',
  '75bdb40b-25d3-4367-9d81-17a970fa8d2a': '2025-01-01T09:00:00.000Z',
  'b1d7e1b8-bda4-41d8-989f-c0255758c838': '2025-01-07T06:00:00.000Z',
  '8c25aad9-d1e4-41d6-9ca5-c2f1c483b86f': '2025-07-06T12:00:00.000Z',
  // SCO Tianjin (31 August 2025) and the presidency to Kyrgyzstan (1 September).
  '9ad6fd2d-55ed-4245-a190-a72ac8ee882e': '2025-08-31T08:00:00.000Z',
  '6404848f-10ff-43c2-9678-a0211db4bc8b': '2025-09-01T10:00:00.000Z',
  // ASEAN: the Kuala Lumpur summit and Timor-Leste's accession (26 October 2025).
  'ee866b42-33a6-4d80-975f-a0db07d5ee02': '2025-10-26T06:00:00.000Z',
  '2b94c65c-96d6-4118-8fbb-fe6d4a26cad3': '2025-10-26T08:00:00.000Z',
};

interface Authored {
  readonly text: string;
  readonly key: string;
  readonly at: number;
  readonly order: number;
}

/** The authored lines with the instant each is recorded at, in the order they are recorded. */
function schedule(): Authored[] {
  const corrections = new Map<string, number>();
  const lines = readFileSync(join(DIR, 'sample-developments.ndjson'), 'utf8').split('\n').filter((line) => line.trim() !== '');
  let compiled = 0;
  const authored = lines.map((text, order) => {
    const line = JSON.parse(text) as { kind: string; id?: string; developmentId?: string };
    let key = line.id ?? '';
    if (line.kind === 'correction') {
      const n = (corrections.get(line.developmentId!) ?? 0) + 1;
      corrections.set(line.developmentId!, n);
      key = `correction:${line.developmentId}:${n}`;
    }
    const scheduled = SCHEDULE[key];
    // Known before the record was compiled: one minute apart, in the story's order.
    const at = scheduled ? Date.parse(scheduled) : COMPILED + 60_000 * compiled++;
    return { text, key, at, order };
  });
  const unused = Object.keys(SCHEDULE).filter((key) => !authored.some((line) => line.key === key));
  if (unused.length > 0) throw new Error(`scheduled but not authored: ${unused.join(', ')}`);
  return authored.sort((a, b) => a.at - b.at || a.order - b.order);
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'annals-sample-'));
  let now = Date.parse(OPENED);
  const clock: Clock = { now: () => new Date(now) };
  const config = loadConfig({ DATA_DIR: dataDir, SAMPLE_DATA: 'false', LOG_LEVEL: 'silent', EVENT_STORE: 'sqlite', READ_STORE: 'sqlite' });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
    .overrideProvider(CLOCK)
    .useValue(clock)
    .compile();
  moduleRef.useLogger(false);
  await moduleRef.init();
  try {
    const importer = moduleRef.get(NdjsonImport);
    for (const line of schedule()) {
      now = line.at;
      const report = await importer.run([line.text], { actor: 'annals', correlationId: 'sample-data' });
      if (report.accepted !== 1) throw new Error(`${line.key || line.text.slice(0, 80)}: ${JSON.stringify(report)}`);
    }
    const store = moduleRef.get<EventStore>(EVENT_STORE);
    const out: string[] = [];
    for await (const event of store.readAll()) {
      const raw = toRawEvent(event);
      // Corrections get random ids when recorded; the shipped file gets stable ones, so regenerating it changes
      // only what changed.
      if (!isCreationType(raw.type)) {
        const eventId = deterministicUuid(`sample:${raw.stream}:${raw.revision}`);
        raw.eventId = eventId;
        raw.metadata = { ...raw.metadata, eventId };
      }
      out.push(JSON.stringify(raw));
    }
    writeFileSync(join(DIR, 'annals-sample.ndjson'), `${out.join('\n')}\n`);
    process.stderr.write(`annals-sample.ndjson: ${out.length} events, recorded ${out.length > 0 ? `${OPENED} … ${new Date(now).toISOString()}` : ''}\n`);
  } finally {
    await moduleRef.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`record-sample: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
