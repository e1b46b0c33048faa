import { csvExport } from './csv.export';
import { icsExport } from './ics.export';
import { timelineJsExport } from './timelinejs.export';
import type { TimelineExporter } from './timeline-export';

export type { ExportRow, ExportedFile, TimelineExporter } from './timeline-export';

/** The export formats a timeline request can ask for (`?format=`), besides the JSON page itself. */
export const EXPORTERS: Record<'csv' | 'ics' | 'timelinejs', TimelineExporter> = {
  csv: csvExport,
  ics: icsExport,
  timelinejs: timelineJsExport,
};
