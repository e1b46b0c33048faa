'use strict';
/**
 * The reads people make on a realistic archive, one connection, sequential (service time, no queueing): per type,
 * p50/p99 of its answers; `queryMixP99Ms` is the worst type's p99. The words and countries come from what the
 * archive generator used (import result's queryTerms): a rare, a mid-frequency and a common word, two words;
 * relations frequent × rare in both orders; a rare kind on the biggest timeline; narrow date windows; asKnownAt;
 * order=desc; the 20th page of a cursor walk (only that page is timed); members and presidency as of a date;
 * a development by id; an organization's timeline.
 *
 * Needs a running service on an imported archive: run({ url, terms, asKnownAt, quick }).
 */
const { request, latency, statusCounts } = require('./http-client');
const { prng, round, log } = require('./common');

/** The query types: name → a function of the PRNG giving the next path (or, for `deepCursor`, a walk). */
function queryTypes(terms, asKnownAt) {
  const { words, countries, samples, organizations } = terms;
  const frequent = countries.frequent[0];
  const rare = countries.rare;
  const orgs = Object.entries(organizations)
    .sort((a, b) => b[1].facts - a[1].facts)
    .map(([code]) => code);
  const year = (rng) => rng.int(1990, 2025);
  const q = (text) => `/api/developments?q=${encodeURIComponent(text)}&limit=50`;
  const ids = samples.meetingIds.concat(samples.organizationIds);
  return {
    searchRareWord: (rng) => q(rng.pick(words.rare)),
    searchMidWord: (rng) => q(rng.pick(words.mid)),
    searchCommonWord: (rng) => q(rng.pick(words.common)),
    searchTwoWords: (rng) => q(`${rng.pick(words.mid)} ${rng.pick(words.common)}`),
    relationsFrequentFirst: (rng) => `/api/countries/${frequent}/relations/${rng.pick(rare)}/timeline?limit=50`,
    relationsRareFirst: (rng) => `/api/countries/${rng.pick(rare)}/relations/${frequent}/timeline?limit=50`,
    rareKindOnBigTimeline: () => `/api/countries/${frequent}/timeline?kind=peace-summit&limit=50`,
    narrowWindow: (rng) => {
      const from = new Date(Date.UTC(year(rng), rng.int(0, 11), rng.int(1, 20)));
      const to = new Date(from.getTime() + 7 * 86_400_000);
      return `/api/countries/${rng.pick(countries.frequent)}/timeline?from=${from.toISOString().slice(0, 10)}&to=${to.toISOString().slice(0, 10)}&limit=50`;
    },
    asKnownAt: (rng) =>
      `/api/countries/${rng.pick(countries.frequent)}/timeline?asKnownAt=${encodeURIComponent(asKnownAt)}&from=${year(rng)}&limit=50`,
    orderDesc: (rng) => `/api/countries/${rng.pick(countries.frequent)}/timeline?order=desc&limit=50`,
    deepCursor: (rng) => ({ walk: `/api/countries/${frequent}/timeline?limit=50&from=${rng.int(1990, 2000)}`, pages: 20 }),
    membersAsOf: (rng) => `/api/organizations/${rng.pick(orgs)}/members?asOf=${year(rng)}-01-01`,
    presidencyAsOf: (rng) => `/api/organizations/${rng.pick(orgs)}/presidencies?asOf=${year(rng)}-06-01`,
    developmentById: (rng) => `/api/developments/${rng.pick(ids)}`,
    organizationTimeline: (rng) => `/api/organizations/${rng.pick(orgs)}/timeline?from=${year(rng)}&limit=50`,
  };
}

/** Answers that are fine: 200, and 404 for a presidency nobody is known to hold on that date. */
const fine = (name, status) => status === 200 || (name === 'presidencyAsOf' && status === 404);

/** Follows nextCursor `pages` deep; returns the last page's answer (the one timed). */
async function walk(url, start, pages) {
  let path = start;
  let answer;
  for (let page = 1; page <= pages; page++) {
    answer = await request(url, 'GET', path, { client: 'querymix' });
    if (answer.status !== 200) return { ...answer, depth: page };
    const cursor = answer.json().nextCursor;
    if (!cursor || page === pages) return { ...answer, depth: page };
    const next = new URL(path, url);
    next.searchParams.set('cursor', cursor);
    path = `${next.pathname}${next.search}`;
  }
  return answer;
}

async function run({ url, terms, asKnownAt, quick = false, seed = 3 }) {
  const rng = prng(seed);
  const types = queryTypes(terms, asKnownAt);
  const samples = quick ? 30 : 100;
  const perType = {};
  const notes = [];
  const one = async (name) => {
    const next = types[name](rng);
    if (typeof next === 'object') return walk(url, next.walk, next.pages);
    return request(url, 'GET', next, { client: 'querymix' });
  };
  // Warm-up: two of each, untimed (first statements prepared, pages in the cache).
  for (const name of Object.keys(types)) for (let i = 0; i < 2; i++) await one(name).catch(() => undefined);
  // Interleaved (one of each type per round), so a slow stretch of the machine hits every type alike.
  const ms = Object.fromEntries(Object.keys(types).map((name) => [name, []]));
  const statuses = Object.fromEntries(Object.keys(types).map((name) => [name, []]));
  const depths = [];
  for (let i = 0; i < samples; i++) {
    for (const name of Object.keys(types)) {
      try {
        const answer = await one(name);
        ms[name].push(answer.ms);
        statuses[name].push(answer.status);
        if (answer.depth) depths.push(answer.depth);
      } catch (error) {
        statuses[name].push(String(error.message).includes('timed out') ? 'timeout' : 'error');
      }
    }
  }
  let worst = { name: undefined, p99: -1 };
  for (const name of Object.keys(types)) {
    const figures = latency(ms[name]);
    const bad = statuses[name].filter((status) => !fine(name, status)).length;
    perType[name] = { p50: figures.p50, p99: figures.p99, max: figures.max, count: figures.count, statuses: statusCounts(statuses[name]) };
    if (bad > 0) notes.push(`${bad} of ${samples} ${name} answers were not OK (${JSON.stringify(perType[name].statuses)})`);
    if (figures.p99 > worst.p99) worst = { name, p99: figures.p99 };
  }
  log(
    `  querymix: worst p99 ${worst.p99} ms (${worst.name}); ${Object.entries(perType)
      .map(([name, f]) => `${name} ${f.p99}`)
      .join(', ')}`,
  );
  return {
    queryMixP99Ms: round(worst.p99, 2),
    worstType: worst.name,
    perType,
    samplesPerType: samples,
    deepCursorDepthReached: depths.length ? Math.min(...depths) : null,
    terms: { words: terms.words, rareCountries: terms.countries.rare, frequentCountries: terms.countries.frequent, asKnownAt },
    notes,
  };
}

module.exports = { run, queryTypes };
