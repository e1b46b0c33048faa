/**
 * What `q` matches, decided once in JavaScript so SQLite (FTS5) and PostgreSQL (tsvector) index and match exactly
 * the same tokens: text is folded (NFD, combining marks removed, lower case: é = e, ü = u, Ä = a) and cut into
 * tokens, the runs of letters and digits. A development's document is the tokens of its title, summary and tags.
 * A query word matches a development when one of its tokens starts with the word's token; a word that is several
 * tokens (`co-operation`) needs each of them; every word of `q` must match.
 */

const TOKEN = /[\p{L}\p{N}]+/gu;
const MARKS = /\p{M}/gu;

/** At most this many tokens of `q` are used: enough for any real query, and a bound on the work one can ask for. */
export const MAX_QUERY_WORDS = 10;

export const foldText = (text: string): string => text.normalize('NFD').replace(MARKS, '').toLowerCase();

/**
 * Tokens are cut to this many characters (a word glued into a long run still matches by its start): PostgreSQL
 * refuses lexemes over 2 KB, and no one types a longer word.
 */
const MAX_TOKEN = 100;
const cut = (token: string) => (token.length <= MAX_TOKEN ? token : Array.from(token).slice(0, MAX_TOKEN).join(''));

/** The distinct tokens of a text, in order of first appearance. */
export function searchTokens(text: string): string[] {
  return [...new Set((foldText(text).match(TOKEN) ?? []).map(cut))];
}

/** The searchable text of a development: title, summary and tags. */
export function searchDocument(content: { title: string; summary?: string; tags?: readonly string[] }): string[] {
  return searchTokens(`${content.title}\n${content.summary ?? ''}\n${(content.tags ?? []).join('\n')}`);
}

/**
 * The tokens `q` asks for, without duplicates and without a token that is a prefix of another one (it adds
 * nothing). Characters other than letters and digits only separate words: `%`, `"`, `*` or `'` never reach an
 * index as syntax. An empty list for a `q` with no letter or digit: such a query matches nothing.
 */
export function queryWords(q: string): string[] {
  const tokens = searchTokens(q).slice(0, MAX_QUERY_WORDS);
  return tokens.filter((token) => !tokens.some((other) => other !== token && other.startsWith(token)));
}

/**
 * `documentMatches(searchTokens(text), words)` without building the tokens: a word matches where it occurs in
 * the folded text at the start of a token (after a character that is no letter or digit). Words are query
 * tokens, so an occurrence never runs past its token. This is SQLite's per-row check: it runs on every row a
 * common-word search walks, and most rows are ASCII, which needs no Unicode normalization.
 */
export function textHasWords(text: string, words: readonly string[]): boolean {
  // eslint-disable-next-line no-control-regex
  const folded = /^[\x00-\x7f]*$/.test(text) ? text.toLowerCase() : foldText(text);
  return words.every((word) => {
    for (let at = folded.indexOf(word); at !== -1; at = folded.indexOf(word, at + 1)) {
      if (at === 0) return true;
      // The character before may be a letter outside the BMP: a surrogate pair ending there.
      const pair = at >= 2 ? folded.codePointAt(at - 2)! : 0;
      const previous = String.fromCodePoint(pair > 0xffff ? pair : folded.charCodeAt(at - 1));
      if (!TOKEN_CHAR.test(previous)) return true;
    }
    return false;
  });
}

const TOKEN_CHAR = /^[\p{L}\p{N}]$/u;

/** True when every word is a prefix of one of the tokens: the meaning both indexes implement. */
export function documentMatches(tokens: readonly string[], words: readonly string[]): boolean {
  return words.every((word) => tokens.some((token) => token.startsWith(word)));
}

/**
 * The smallest string greater than every string that starts with `prefix`, in code point order (which is
 * UTF-8 byte order: SQLite's BINARY and PostgreSQL's "C" collation): `[prefix, bound)` is the prefix range.
 */
export function prefixUpperBound(prefix: string): string {
  const points = [...prefix];
  const last = points.pop()!.codePointAt(0)!;
  // Past the surrogates, which are no characters of their own.
  const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
  return points.join('') + String.fromCodePoint(next);
}
