import type { TimelineQuery } from '@annals/application';
import { prefixUpperBound } from './search-words';
import type { ReadDialect } from './read-database';

/**
 * Where a timeline page is read from. Every driver but `words` yields rows in timeline order, so a page stops
 * after `limit + 1` rows that pass; `words` collects every version holding the rarest words from the full-text
 * index and sorts them.
 */
export type Driver =
  | { readonly type: 'key'; readonly key: string }
  | { readonly type: 'kinds'; readonly kinds: readonly string[] }
  | { readonly type: 'versions' }
  | { readonly type: 'words' };

export interface TimelineFilter {
  readonly keys: readonly string[];
  readonly kinds?: readonly string[];
  /** Query tokens (search-words.ts); undefined when the read has no `q`. */
  readonly words?: readonly string[];
}

/**
 * Counts from `dev_counts`: `v`, `k:<kind>`, `t:<key>`, and `w:<word>` summed over the word's prefix range;
 * `terms`: the index terms a word stands for, when they are few (see `ftsQuery`).
 */
export interface Counts {
  readonly n: ReadonlyMap<string, number>;
  readonly terms: ReadonlyMap<string, readonly string[]>;
}

/**
 * Relative cost of one row for each way of reading, measured per driver on a generated 250k-development archive
 * (Zipf words and countries, 3 % corrections; SQLite with the page cache warm): `row`, an ordered index step
 * and its version row (~2 µs); `words`, the words checked on that row (SQLite extracts and scans the title,
 * summary and tags in `annals_words`, ~5 µs; PostgreSQL tests the stored tsvector); `match`, a version out of
 * the full-text index (on SQLite in timeline order, on PostgreSQL a GIN match that must be fetched and
 * sorted); `posting`, a doc id FTS5 merges for a word given as a prefix (all of them before the first match,
 * once per step: 8.8k postings cost ~15 ms); `dayRest`, the rows of the last day SQLite's full-text driver
 * reads whole (a few dozen, hundreds on the 1 January where year-only dates start). On PostgreSQL a row is
 * ~2.5 µs with its tsvector check and a GIN match ~8 µs (a heap fetch out of order, then the sort): GIN drives
 * below ~2k matches at 250k developments, an ordered scan with the check above.
 */
const COST = {
  sqlite: { row: 1, words: 2.5, match: 1.2, posting: 0.85, dayRest: 150 },
  postgres: { row: 1, words: 0.2, match: 4, posting: 0, dayRest: 0 },
} as const;

/** A word matching more index terms than this is treated as matching everything: scanning its terms costs more. */
export const PREFIX_TERMS_CAP = 1000;
/** Up to this many terms, a word is looked up as their OR (FTS5 streams it), beyond as a prefix (FTS5 merges it first). */
export const TERMS_LISTED = 64;

/** The candidate drivers of a read, before counts are known. */
export function candidates(filter: TimelineFilter): Driver[] {
  const out: Driver[] = filter.keys.map((key) => ({ type: 'key', key }));
  // The kind index leaves meetings out: they are most developments, never the rare side.
  if (filter.kinds?.length && !filter.kinds.includes('meeting')) out.push({ type: 'kinds', kinds: filter.kinds });
  if (filter.keys.length === 0) out.push({ type: 'versions' });
  if (filter.words?.length) out.push({ type: 'words' });
  return out;
}

/**
 * One statement for all the counts a plan needs: exact names; per word, its first index terms (to tell few from
 * many) and the capped sum over its prefix range (the versions holding any token that starts with it, an upper
 * bound of its matches; `terms` says whether the range was cut at the cap).
 */
export function countsSql(filter: TimelineFilter): { text: string; parameters: unknown[] } {
  const parameters: unknown[] = [];
  const p = (value: unknown) => {
    parameters.push(value);
    return '?';
  };
  const exact = ['v', ...filter.keys.map((key) => `t:${key}`), ...(filter.kinds ?? []).map((kind) => `k:${kind}`)];
  const parts = [`SELECT name, n, 1 AS terms, 0 AS listed FROM dev_counts WHERE name IN (${exact.map(p).join(', ')})`];
  for (const [i, word] of (filter.words ?? []).entries()) {
    const range = () => `name >= ${p(`w:${word}`)} AND name < ${p(`w:${prefixUpperBound(word)}`)}`;
    parts.push(
      `SELECT CAST(${p(`w:${word}`)} AS TEXT) AS name, COALESCE(SUM(n), 0) AS n, COUNT(*) AS terms, 0 AS listed FROM ` +
        `(SELECT n FROM dev_counts WHERE ${range()} LIMIT ${PREFIX_TERMS_CAP}) s${i}`,
      `SELECT * FROM (SELECT name, n, 1 AS terms, 1 AS listed FROM dev_counts WHERE ${range()} ORDER BY name LIMIT ${TERMS_LISTED + 1}) l${i}`,
    );
  }
  return { text: parts.join(' UNION ALL '), parameters };
}

export function readCounts(
  filter: TimelineFilter,
  rows: ReadonlyArray<{ name: string; n: unknown; terms: unknown; listed: unknown }>,
): Counts {
  const n = new Map<string, number>();
  const listed = new Map<string, string[]>();
  const total = Number(rows.find((row) => row.name === 'v')?.n ?? 0);
  for (const row of rows) {
    if (Number(row.listed) !== 1) n.set(row.name, Number(row.terms) >= PREFIX_TERMS_CAP ? total : Number(row.n));
    else {
      // Query words are never prefixes of one another (queryWords), so a term is in one word's range only.
      const term = row.name.slice(2);
      const word = (filter.words ?? []).find((w) => term.startsWith(w));
      if (word !== undefined) listed.set(word, [...(listed.get(word) ?? []), term]);
    }
  }
  const terms = new Map([...listed].filter(([, list]) => list.length <= TERMS_LISTED));
  // A word with no term at all matches nothing: an empty list says so.
  for (const word of filter.words ?? []) if (!listed.has(word)) terms.set(word, []);
  return { n, terms };
}

/**
 * The FTS5 query of the words: each word as the OR of the terms it stands for when they are few (FTS5 streams
 * an OR in rowid order), else as a prefix (which FTS5 merges in full first); words are ANDed. Terms are runs of
 * letters and digits, so quoting them is all the escaping FTS5 syntax needs. Undefined when a word has no term.
 */
export function ftsQuery(words: readonly string[], counts: Counts): string | undefined {
  const parts: string[] = [];
  for (const word of words) {
    const terms = counts.terms.get(word);
    if (terms?.length === 0) return undefined;
    parts.push(terms ? `(${terms.map((term) => `"${term}"`).join(' OR ')})` : `"${word}"*`);
  }
  return parts.join(' AND ');
}

/**
 * On SQLite, the words the full-text driver looks up and the words it checks on each match instead: a word FTS5
 * streams (few index terms) is looked up; a word given as a prefix must be merged in full before the first match
 * (a common prefix such as `to` holds most postings), so it is only checked, unless no word streams: then the
 * rarest is looked up as a prefix and the others are checked.
 */
export function splitWords(words: readonly string[], counts: Counts): { indexed: string[]; checked: string[] } {
  const listed = words.filter((word) => counts.terms.has(word));
  const indexed = listed.length > 0 ? listed : [rarestWord(words, counts)!];
  return { indexed, checked: words.filter((word) => !indexed.includes(word)) };
}

/** The word with the fewest matches, by the counts. */
export function rarestWord(words: readonly string[], counts: Counts): string | undefined {
  const matches = (word: string) => counts.n.get(`w:${word}`) ?? 0;
  return words.reduce<string | undefined>((best, word) => (best === undefined || matches(word) < matches(best) ? word : best), undefined);
}

/**
 * The cheapest driver for the counts: an ordered driver reads about `limit + 1` rows divided by the share of rows
 * the other conditions let through (taken as independent), never more than it holds. On SQLite the full-text
 * driver is ordered too (see `searchRowid`), after merging the postings of any word given as a prefix; on
 * PostgreSQL it fetches and sorts every match. "Start from the rarer side", for relations, kinds and words alike.
 */
export function chooseDriver(filter: TimelineFilter, counts: Counts, limit: number, dialect: ReadDialect): Driver {
  const options = candidates(filter);
  if (options.length === 1) return options[0]!;
  const count = (name: string) => counts.n.get(name) ?? 0;
  const total = Math.max(1, count('v'));
  const share = (n: number) => Math.min(1, n / total);
  const words = filter.words ?? [];
  const kindsSize = (filter.kinds ?? []).reduce((sum, kind) => sum + count(`k:${kind}`), 0);
  const cost = COST[dialect];
  const estimate = (driver: Driver): number => {
    let pass = 1;
    for (const key of filter.keys) if (driver.type !== 'key' || driver.key !== key) pass *= share(count(`t:${key}`));
    if (filter.kinds?.length && driver.type !== 'kinds') pass *= share(kindsSize);
    if (driver.type === 'words') {
      const matches = Math.min(...words.map((word) => count(`w:${word}`)));
      if (dialect === 'postgres') return matches * cost.match;
      const { indexed, checked } = splitWords(words, counts);
      const found = Math.min(...indexed.map((word) => count(`w:${word}`)));
      const merged = indexed.filter((word) => !counts.terms.has(word)).reduce((sum, word) => sum + count(`w:${word}`), 0);
      for (const word of checked) pass *= share(count(`w:${word}`));
      const perMatch = cost.match + (checked.length > 0 ? cost.words : 0);
      return merged * cost.posting + Math.min(found, (limit + 1) / Math.max(pass, 1e-9)) * perMatch + cost.dayRest;
    }
    for (const word of words) pass *= share(count(`w:${word}`));
    const size = driver.type === 'key' ? count(`t:${driver.key}`) : driver.type === 'kinds' ? kindsSize : total;
    const rows = Math.min(size, (limit + 1) / Math.max(pass, 1e-9));
    return rows * (cost.row + (words.length ? cost.words : 0));
  };
  return options.reduce((best, driver) => (estimate(driver) < estimate(best) ? driver : best));
}

/** The keys a timeline scope names: one timeline, a pair of countries, or a search's organization and country. */
export function timelineKeys(query: TimelineQuery): string[] {
  const { scope } = query;
  switch (scope.type) {
    case 'organization':
      return [`o:${scope.code}`];
    case 'country':
      return [`c:${scope.code}`];
    case 'relation':
      return [`c:${scope.a}`, `c:${scope.b}`];
    case 'search':
      return [...(scope.organization ? [`o:${scope.organization}`] : []), ...(scope.country ? [`c:${scope.country}`] : [])];
  }
}
