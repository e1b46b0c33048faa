import type { TimelineEntry } from '@annals/application';
import type { Development } from '@annals/domain';

/** One development of an exported timeline: what the timeline shows, and the development itself (sources, actors…). */
export interface ExportRow {
  readonly entry: TimelineEntry;
  readonly development: Development;
}

export interface ExportedFile {
  readonly contentType: string;
  readonly extension: string;
  readonly body: string;
}

/** A timeline export: rows in timeline order, and a title naming the timeline (e.g. "SCO timeline"). */
export type TimelineExporter = (rows: readonly ExportRow[], title: string) => ExportedFile;
