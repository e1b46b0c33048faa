import type { TimelineQuery } from '@annals/application';
import type { ReadDialect } from './read-database';
import type { Driver, TimelineFilter } from './timeline-plan';

/** The version columns a page needs to build its entries (timeline-entry.ts). */
const PAGE_COLUMNS = 'v.development_id, v.kind, v.content, v.corrected, v.retracted, v.recorded_at, v.occurred_start, v.position';

export interface PageRow {
  development_id: string;
  kind: string;
  content: string;
  corrected: number;
  retracted: number;
  recorded_at: string;
  occurred_start: string;
  position: number | string;
}

/**
 * One timeline page as SQL with `?` placeholders, read through `driver` (timeline-plan.ts):
 * - `key`: a range of the timeline index (`t0`); every other key must list the same version (`EXISTS`);
 * - `kinds`: the kind index, one ordered range per kind, merged (`UNION ALL`, each branch limited);
 * - `versions`: the versions' own (occurred_start, position) index;
 * - `words`: the full-text index's matches (FTS5 table on SQLite, the GIN-indexed tsvector on PostgreSQL),
 *   joined to their versions and sorted.
 * Conditions the driver does not cover are checked on each row; the word check on a row is `annals_words` on
 * SQLite (read-database.ts) and the row's tsvector on PostgreSQL. Unary `+` keeps SQLite from swapping in
 * another index than the driver's. Keyset cursor, never OFFSET; one row more than the limit says whether
 * there is a next page.
 */
export function timelineSql(
  query: TimelineQuery,
  filter: TimelineFilter,
  driver: Driver,
  dialect: ReadDialect,
): { text: string; parameters: unknown[] } {
  const parameters: unknown[] = [];
  const p = (value: unknown) => {
    parameters.push(value);
    return '?';
  };
  const words = filter.words ?? [];
  const ftsQuery = words.map((word) => `"${word}"*`).join(' ');
  const tsQuery = words.map((word) => `'${word}':*`).join(' & ');
  const direction = query.order === 'asc' ? 'ASC' : 'DESC';

  /** The SELECT of one ordered range (or of the full-text matches), with `kind` fixed for a branch of `kinds`. */
  const select = (kind?: string): string => {
    const o = driver.type === 'key' ? 't0' : 'v';
    const where: string[] = [];
    let from: string;
    let prefix = '';
    switch (driver.type) {
      case 'key':
        from = 'dev_timeline t0 JOIN dev_versions v ON v.vid = t0.vid';
        where.push(`t0.timeline_key = ${p(driver.key)}`);
        break;
      case 'kinds':
        from = 'dev_versions v';
        // The kind index is partial: SQLite uses it only when the query repeats its condition.
        where.push(`v.kind = ${p(kind)}`, "v.kind <> 'meeting'");
        break;
      case 'versions':
        from = 'dev_versions v';
        break;
      case 'words':
        if (dialect === 'sqlite') {
          // CROSS JOIN fixes the order: the index's matches first, then each one's version by rowid.
          from = `dev_versions_fts(${p(ftsQuery)}) f CROSS JOIN dev_versions v`;
          where.push('v.vid = f.rowid');
        } else {
          // MATERIALIZED: the GIN index gives the matches, whatever the planner guesses of the words' frequency.
          prefix = `WITH m AS MATERIALIZED (SELECT vid FROM dev_versions WHERE search_doc @@ ${p(tsQuery)}::tsquery) `;
          from = 'm JOIN dev_versions v ON v.vid = m.vid';
        }
        break;
    }
    const plus = dialect === 'sqlite' ? '+' : '';
    for (const key of filter.keys) {
      if (driver.type === 'key' && driver.key === key) continue;
      where.push(
        `EXISTS (SELECT 1 FROM dev_timeline tk WHERE tk.timeline_key = ${p(key)} AND tk.occurred_start = v.occurred_start ` +
          `AND tk.position = v.position AND tk.vid = v.vid)`,
      );
    }
    // Current rows, or the rows as recorded at `asKnownAt` (SQL:2011-style system time).
    if (query.asKnownAt === undefined) where.push('v.recorded_to IS NULL');
    else where.push(`v.recorded_from <= ${p(query.asKnownAt)} AND (v.recorded_to IS NULL OR v.recorded_to > ${p(query.asKnownAt)})`);
    if (!query.includeRetracted) where.push('v.retracted = 0');
    if (query.fromDay) where.push(`${o}.occurred_start >= ${p(query.fromDay)}`);
    if (query.toDay) where.push(`${o}.occurred_start <= ${p(query.toDay)}`);
    if (query.kinds?.length && driver.type !== 'kinds') where.push(`${plus}v.kind IN (${query.kinds.map(p).join(', ')})`);
    if (query.cursor) {
      const { start, position } = query.cursor;
      const op = query.order === 'asc' ? '>' : '<';
      where.push(`(${o}.occurred_start ${op} ${p(start)} OR (${o}.occurred_start = ${p(start)} AND ${o}.position ${op} ${p(position)}))`);
    }
    // Last: the dearest check runs only on rows that passed the others.
    if (words.length > 0 && driver.type !== 'words')
      where.push(
        dialect === 'sqlite' ? `annals_words(v.content, ${p(words.join(' '))})` : `(v.search_doc @@ ${p(tsQuery)}::tsquery) IS TRUE`,
      );
    return (
      `${prefix}SELECT ${PAGE_COLUMNS} FROM ${from} WHERE ${where.join(' AND ')} ` +
      `ORDER BY ${o}.occurred_start ${direction}, ${o}.position ${direction} LIMIT ${p(query.limit + 1)}`
    );
  };

  if (driver.type !== 'kinds' || driver.kinds.length === 1)
    return { text: select(driver.type === 'kinds' ? driver.kinds[0] : undefined), parameters };
  const branches = driver.kinds.map((kind, i) => `SELECT * FROM (${select(kind)}) b${i}`);
  const text = `${branches.join(' UNION ALL ')} ORDER BY occurred_start ${direction}, position ${direction} LIMIT ${p(query.limit + 1)}`;
  return { text, parameters };
}

/** PostgreSQL numbers its placeholders ($1, $2, …); the SQL here has no other question marks. */
export const numberedPlaceholders = (text: string): string => {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
};
