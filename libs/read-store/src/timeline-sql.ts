import type { TimelineQuery } from '@annals/application';
import type { ReadDialect } from './read-database';
import type { Driver, TimelineFilter } from './timeline-plan';
import { dayNumber, SEARCH_VID_BITS } from './view-schema';

/** The version columns a page needs to build its entries (timeline-entry.ts). */
const PAGE_COLUMNS = 'v.vid, v.development_id, v.kind, v.content, v.corrected, v.retracted, v.recorded_at, v.occurred_start, v.position';
/** What places a version on a page, and names it for the entry cache (entry-cache.ts): no content. */
const KEY_COLUMNS = 'v.vid, v.development_id, v.occurred_start, v.position';

/** A version on a page: where it sorts, and which entry it has. */
export interface PageKey {
  vid: number;
  development_id: string;
  occurred_start: string;
  position: number | string;
}

export interface PageRow extends PageKey {
  kind: string;
  content: string;
  corrected: number;
  retracted: number;
  recorded_at: string;
}

/** A match of SQLite's full-text driver: where it is in the index (day, vid) and in the timeline. */
export interface SearchRow extends PageKey {
  day: number;
  position: number;
}

export interface Sql {
  readonly text: string;
  readonly parameters: unknown[];
}

/** Where SQLite's full-text driver reads in rowid order: after/before a (day, vid) point, within one day. */
export interface SearchRange {
  /** The last row of the first step: the rest of its day comes next. */
  readonly after: { readonly day: number; readonly vid: number };
}

const VID_MASK = 2 ** SEARCH_VID_BITS - 1;

/**
 * One timeline page as SQL with `?` placeholders, read through `driver` (timeline-plan.ts):
 * - `key`: a range of the timeline index (`t0`); every other key must list the same version (`EXISTS`);
 * - `kinds`: the kind index, one ordered range per kind, merged (`UNION ALL`, each branch limited);
 * - `versions`: the versions' own (occurred_start, position) index;
 * - `words`: on PostgreSQL the GIN-indexed tsvector's matches, joined to their versions and sorted; on SQLite
 *   the FTS5 index in rowid order (day, then vid: `searchRowid`), `fts` being its query (`ftsQuery`) of the words
 *   looked up (`splitWords`), `checkWords` when others are checked on each match instead. Rowid
 *   order is timeline order but within a day, so SQLite's page is two steps: the first `limit + 1` matches in
 *   rowid order, then (`range`) the rest of the last one's day; the store sorts the two together and reads
 *   the page's versions (`versionsSql`).
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
  search: { fts?: string; range?: SearchRange; rarest?: string; keysOnly?: boolean; checkWords?: boolean } = {},
): Sql {
  const parameters: unknown[] = [];
  const p = (value: unknown) => {
    parameters.push(value);
    return '?';
  };
  const words = filter.words ?? [];
  const tsQuery = words.map((word) => `'${word}':*`).join(' & ');
  const asc = query.order === 'asc';
  const direction = asc ? 'ASC' : 'DESC';
  const ftsOrder = driver.type === 'words' && dialect === 'sqlite';

  /** The SELECT of one ordered range (or of the full-text matches), with `kind` fixed for a branch of `kinds`. */
  const select = (kind?: string): string => {
    const o = driver.type === 'key' ? 't0' : 'v';
    const where: string[] = [];
    let from: string;
    let prefix = '';
    let columns = search.keysOnly ? KEY_COLUMNS : PAGE_COLUMNS;
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
          from = `dev_versions_fts(${p(search.fts)}) f CROSS JOIN dev_versions v`;
          // Keys only: a day can hold hundreds of matches, the page needs the content of `limit` of them.
          columns = `f.rowid >> ${SEARCH_VID_BITS} AS day, ${KEY_COLUMNS}`;
          where.push(`v.vid = (f.rowid & ${VID_MASK})`, ...rowidBounds(query, p, search.range));
        } else {
          // MATERIALIZED: the GIN index gives the matches, whatever the planner guesses of the words' frequency.
          // Only the rarest word's: a common word's posting lists cost more to read than its check on each match.
          const gin = search.rarest ? `'${search.rarest}':*` : tsQuery;
          prefix = `WITH m AS MATERIALIZED (SELECT vid FROM dev_versions WHERE search_doc @@ ${p(gin)}::tsquery) `;
          from = 'm JOIN dev_versions v ON v.vid = m.vid';
        }
        break;
    }
    const plus = dialect === 'sqlite' ? '+' : '';
    // On PostgreSQL, OFFSET 0 keeps the EXISTS a check on each row: made a semi-join, it would read the other
    // (frequent) key's whole range first, which is what starting from the rarer side avoids.
    const onEachRow = dialect === 'postgres' ? ' OFFSET 0' : '';
    for (const key of filter.keys) {
      if (driver.type === 'key' && driver.key === key) continue;
      where.push(
        `EXISTS (SELECT 1 FROM dev_timeline tk WHERE tk.timeline_key = ${p(key)} AND tk.occurred_start = v.occurred_start ` +
          `AND tk.position = v.position AND tk.vid = v.vid${onEachRow})`,
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
      const op = asc ? '>' : '<';
      // The plain bound first: it is what lets the index seek to the cursor instead of filtering up to it.
      where.push(`${o}.occurred_start ${op}= ${p(start)}`);
      where.push(`(${o}.occurred_start ${op} ${p(start)} OR (${o}.occurred_start = ${p(start)} AND ${o}.position ${op} ${p(position)}))`);
    }
    // Last: the dearest check runs only on rows that passed the others.
    const wordsLeftOut = dialect === 'postgres' ? search.rarest !== undefined && words.length > 1 : search.checkWords === true;
    if (words.length > 0 && (driver.type !== 'words' || wordsLeftOut))
      where.push(
        dialect === 'sqlite'
          ? `annals_words(json_extract(v.content, '$.title'), json_extract(v.content, '$.summary'), json_extract(v.content, '$.tags'), ${p(words.join(' '))})`
          : `(v.search_doc @@ ${p(tsQuery)}::tsquery) IS TRUE`,
      );
    const order = ftsOrder ? `f.rowid ${direction}` : `${o}.occurred_start ${direction}, ${o}.position ${direction}`;
    // The rest of a day is read whole: it is what the sort needs.
    const limit = ftsOrder && search.range ? '' : ` LIMIT ${p(query.limit + 1)}`;
    return `${prefix}SELECT ${columns} FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${order}${limit}`;
  };

  if (driver.type !== 'kinds' || driver.kinds.length === 1)
    return { text: select(driver.type === 'kinds' ? driver.kinds[0] : undefined), parameters };
  const branches = driver.kinds.map((kind, i) => `SELECT * FROM (${select(kind)}) b${i}`);
  const text = `${branches.join(' UNION ALL ')} ORDER BY occurred_start ${direction}, position ${direction} LIMIT ${p(query.limit + 1)}`;
  return { text, parameters };
}

/**
 * Rowid bounds of SQLite's full-text driver: the days the window and the cursor leave (FTS5 skips to them),
 * and for the second step the rest of the first step's last day.
 */
function rowidBounds(query: TimelineQuery, p: (value: unknown) => string, range: SearchRange | undefined): string[] {
  const shift = SEARCH_VID_BITS;
  const bounds: string[] = [];
  const asc = query.order === 'asc';
  let first = query.fromDay ? dayNumber(query.fromDay) : undefined;
  let last = query.toDay ? dayNumber(query.toDay) : undefined;
  if (query.cursor) {
    const day = dayNumber(query.cursor.start);
    if (asc) first = Math.max(first ?? day, day);
    else last = Math.min(last ?? day, day);
  }
  if (range) {
    if (asc) {
      bounds.push(`f.rowid > ((${p(range.after.day)} << ${shift}) | ${p(range.after.vid)})`);
      last = range.after.day;
    } else {
      bounds.push(`f.rowid < ((${p(range.after.day)} << ${shift}) | ${p(range.after.vid)})`);
      first = range.after.day;
    }
  }
  if (first !== undefined) bounds.push(`f.rowid >= (${p(first)} << ${shift})`);
  if (last !== undefined) bounds.push(`f.rowid < ((${p(last)} + 1) << ${shift})`);
  return bounds;
}

/** The page rows of the given versions (found by their keys), in no particular order. */
export function versionsSql(vids: readonly number[]): Sql {
  return {
    text: `SELECT ${PAGE_COLUMNS} FROM dev_versions v WHERE v.vid IN (${vids.map(() => '?').join(', ')})`,
    parameters: [...vids],
  };
}

/** PostgreSQL numbers its placeholders ($1, $2, …); the SQL here has no other question marks. */
export const numberedPlaceholders = (text: string): string => {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
};
