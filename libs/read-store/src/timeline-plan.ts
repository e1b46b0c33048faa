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

/** Counts from `dev_counts`: `v`, `k:<kind>`, `t:<key>`, and `w:<word>` summed over the word's prefix range. */
export type Counts = ReadonlyMap<string, number>;

/**
 * Relative cost of one row for each way of reading, measured on a 250k-development archive (see the README's
 * search section): an ordered index step plus the version's row; the same with the words checked on the row
 * (SQLite decodes the content and tokenizes it, PostgreSQL tests the stored tsvector); one version out of the
 * full-text index (index read, row lookup, the sort at the end).
 */
const COST = {
  sqlite: { row: 1, rowWithWords: 4, match: 1.5 },
  postgres: { row: 1, rowWithWords: 1.2, match: 1.5 },
} as const;

/** A word matching more index terms than this is treated as matching everything: scanning its terms costs more. */
export const PREFIX_TERMS_CAP = 1000;

/** The candidate drivers of a read, before counts are known. */
export function candidates(filter: TimelineFilter): Driver[] {
  const out: Driver[] = filter.keys.map((key) => ({ type: 'key', key }));
  // The kind index leaves meetings out: they are most developments, never the rare side.
  if (filter.kinds?.length && !filter.kinds.includes('meeting')) out.push({ type: 'kinds', kinds: filter.kinds });
  if (filter.keys.length === 0) out.push({ type: 'versions' });
  if (filter.words?.length) out.push({ type: 'words' });
  return out;
}

/** The count names a plan needs; `w:` names stand for prefix ranges. */
export function countNames(filter: TimelineFilter): string[] {
  return [
    'v',
    ...filter.keys.map((key) => `t:${key}`),
    ...(filter.kinds ?? []).map((kind) => `k:${kind}`),
    ...(filter.words ?? []).map((w) => `w:${w}`),
  ];
}

/**
 * One statement for all the counts a plan needs: exact names, then one capped prefix range per word (the sum of
 * the versions holding any token that starts with it, an upper bound of its matches; `terms` says whether the
 * range was cut at the cap).
 */
export function countsSql(filter: TimelineFilter): { text: string; parameters: unknown[] } {
  const parameters: unknown[] = [];
  const p = (value: unknown) => {
    parameters.push(value);
    return '?';
  };
  const exact = countNames(filter).filter((name) => !name.startsWith('w:'));
  const parts = [`SELECT name, n, 1 AS terms FROM dev_counts WHERE name IN (${exact.map(p).join(', ')})`];
  for (const [i, word] of (filter.words ?? []).entries()) {
    parts.push(
      `SELECT CAST(${p(`w:${word}`)} AS TEXT) AS name, COALESCE(SUM(n), 0) AS n, COUNT(*) AS terms FROM ` +
        `(SELECT n FROM dev_counts WHERE name >= ${p(`w:${word}`)} AND name < ${p(`w:${prefixUpperBound(word)}`)} LIMIT ${PREFIX_TERMS_CAP}) w${i}`,
    );
  }
  return { text: parts.join(' UNION ALL '), parameters };
}

export function readCounts(rows: ReadonlyArray<{ name: string; n: unknown; terms: unknown }>): Counts {
  const counts = new Map<string, number>();
  const total = Number(rows.find((row) => row.name === 'v')?.n ?? 0);
  for (const row of rows) counts.set(row.name, Number(row.terms) >= PREFIX_TERMS_CAP ? total : Number(row.n));
  return counts;
}

/**
 * The cheapest driver for the counts: an ordered driver reads about `limit + 1` rows divided by the share of rows
 * the other conditions let through (taken as independent), never more than it holds; the full-text driver reads
 * every version with its rarest word. "Start from the rarer side" for relations, kinds and words alike.
 */
export function chooseDriver(filter: TimelineFilter, counts: Counts, limit: number, dialect: ReadDialect): Driver {
  const options = candidates(filter);
  if (options.length === 1) return options[0]!;
  const total = Math.max(1, counts.get('v') ?? 1);
  const size = (driver: Driver): number => {
    switch (driver.type) {
      case 'key':
        return counts.get(`t:${driver.key}`) ?? 0;
      case 'kinds':
        return driver.kinds.reduce((sum, kind) => sum + (counts.get(`k:${kind}`) ?? 0), 0);
      case 'versions':
        return total;
      case 'words':
        return Math.min(...(filter.words ?? []).map((word) => counts.get(`w:${word}`) ?? 0));
    }
  };
  const share = (n: number) => Math.min(1, n / total);
  const wordsShare = (filter.words ?? []).reduce((product, word) => product * share(counts.get(`w:${word}`) ?? 0), 1);
  const kindsShare = filter.kinds?.length ? share(filter.kinds.reduce((sum, kind) => sum + (counts.get(`k:${kind}`) ?? 0), 0)) : 1;
  const cost = COST[dialect];
  const estimate = (driver: Driver): number => {
    if (driver.type === 'words') return size(driver) * cost.match;
    let pass = wordsShare * (driver.type === 'kinds' ? 1 : kindsShare);
    for (const key of filter.keys) if (driver.type !== 'key' || driver.key !== key) pass *= share(counts.get(`t:${key}`) ?? 0);
    const rows = Math.min(size(driver), (limit + 1) / Math.max(pass, 1e-9));
    return rows * (filter.words?.length ? cost.rowWithWords : cost.row);
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
