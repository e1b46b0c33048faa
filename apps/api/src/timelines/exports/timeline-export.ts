import type { TimelineEntry } from '@annals/application';

/** One development of an exported timeline: what the timeline shows, and its full content (sources, actors…). */
export interface ExportRow {
  readonly entry: TimelineEntry;
  readonly content: Record<string, unknown>;
}

export interface ExportedFile {
  readonly contentType: string;
  readonly extension: string;
  readonly body: string;
}

/** A timeline export: rows in timeline order, and a title naming the timeline (e.g. "SCO timeline"). */
export type TimelineExporter = (rows: readonly ExportRow[], title: string) => ExportedFile;
