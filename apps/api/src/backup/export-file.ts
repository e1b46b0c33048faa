import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { ExportChecker, parseExportLine, type RecordedEvent } from '@annals/application';

/** The events of an export file, checked line by line; blank lines are allowed (a trailing newline). */
export async function* readExport(file: string): AsyncIterable<{ event: RecordedEvent; line: number }> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    yield { event: parseExportLine(text, line), line };
  }
}

/** The whole file checked before anything is written: a damaged export is refused as a whole. */
export async function checkExport(file: string): Promise<number> {
  const checker = new ExportChecker();
  for await (const { event, line } of readExport(file)) checker.check(event, line);
  return checker.events;
}
