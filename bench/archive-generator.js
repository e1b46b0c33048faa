'use strict';
/**
 * A realistic archive of developments as NDJSON import lines (the shape of engineering/benchmarks.md), deterministic
 * from a seed and streamed: `new Archive({ lines, seed }).lines()` yields one line at a time, memory stays bounded
 * (a ring of recent ids for corrections, a few counters), so 1,000,000 lines cost seconds, not gigabytes.
 *
 * Shape: ~190 real ISO alpha-2 countries with a Zipf-like frequency (the US in ~23 % of developments); dates 1990–2026
 * (5 % year-only, 10 % month precision); ~86 % meetings (2–5 distinct participants, 30 % with an organization as
 * occasion), ~10 % summits, ~3 % peace summits (5–40 attendees, some absentees); membership and presidency chains for
 * 15 built-in organizations, generated in valid-time order so that every line is valid against the invariants;
 * 3 % corrections and 0.5 % retractions of earlier lines; titles ~60 characters and summaries of 200–600 characters
 * from a Zipf vocabulary of a few thousand words plus rare ones; tags.
 * After the iteration, `summary()` tells what was used: rare / mid / common words and rare / frequent countries for
 * the query mix, counts per kind, sample ids.
 *
 *   node bench/archive-generator.js --lines=100000 [--seed=7] > archive.ndjson
 */
const fs = require('node:fs');
const countries = require('i18n-iso-countries');
const { prng } = require('./common');

/** The first 15 built-in organizations (libs/domain/src/organization/organization-registry.ts). */
const ORGANIZATIONS = ['UN', 'EU', 'NATO', 'SCO', 'BRICS', 'ASEAN', 'AU', 'CSTO', 'G7', 'G20', 'EAEU', 'OSCE', 'CIS', 'GCC', 'OPEC'];

/** The most reported countries first (their Zipf rank), the rest in code order; 190 in all, all real alpha-2. */
const HEAD = [
  'US',
  'CN',
  'RU',
  'GB',
  'FR',
  'DE',
  'JP',
  'IN',
  'UA',
  'TR',
  'IR',
  'IL',
  'SA',
  'KR',
  'BR',
  'IT',
  'CA',
  'PK',
  'EG',
  'AU',
  'ZA',
  'MX',
  'ID',
  'NG',
  'VN',
];
/** Territories and uninhabited places: valid codes, but not what states' relations are about. */
const TERRITORIES = new Set(
  (
    'AQ BV HM TF UM GS IO PN CX CC NF SJ BQ SX CW MF BL PM WF TK NU YT RE GP MQ GF PF NC AS GU MP VI PR AI MS VG KY ' +
    'BM TC FK GI GG JE IM FO GL AX EH AW HK MO SH'
  ).split(' '),
);
const COUNTRY_CODES = (() => {
  const all = Object.keys(countries.getAlpha2Codes()).filter(
    (code) => countries.isValid(code) && !HEAD.includes(code) && !TERRITORIES.has(code),
  );
  return [...HEAD, ...all.sort()].slice(0, 190);
})();
const FREQUENT = 'US';
/** Share of developments the US takes part in (drawn first), the others from a Zipf law over the rest. */
const FREQUENT_SHARE = 0.23;

const FIRST = [
  'Anna',
  'Boris',
  'Carlos',
  'Daniel',
  'Elena',
  'Farid',
  'Grace',
  'Hassan',
  'Ines',
  'Jamal',
  'Kenji',
  'Lucia',
  'Miguel',
  'Nadia',
  'Omar',
  'Priya',
  'Rafael',
  'Sofia',
  'Tomas',
  'Yusuf',
];
const LAST = [
  'Alvarez',
  'Bakr',
  'Chen',
  'Dubois',
  'Eriksen',
  'Fischer',
  'Garcia',
  'Haddad',
  'Ivanov',
  'Jensen',
  'Kim',
  'Lopez',
  'Moreau',
  'Nakamura',
  'Okafor',
  'Petrov',
  'Rossi',
  'Santos',
  'Tanaka',
  'Weber',
];
const ROLES = ['President', 'Prime Minister', 'Foreign Minister', 'Defence Minister', 'Trade Minister'];
const PUBLISHERS = [
  ['Reuters', 'https://www.reuters.com/world/'],
  ['Associated Press', 'https://apnews.com/article/'],
  ['TASS', 'https://tass.com/politics/'],
  ['Xinhua', 'https://english.news.cn/'],
  ['BBC', 'https://www.bbc.com/news/world-'],
  ['Al Jazeera', 'https://www.aljazeera.com/news/'],
  ['Le Monde', 'https://www.lemonde.fr/en/international/article/'],
  ['Kyodo', 'https://english.kyodonews.net/news/'],
];
const TAGS = [
  'trade',
  'security',
  'energy',
  'climate',
  'migration',
  'sanctions',
  'nuclear',
  'health',
  'finance',
  'transport',
  'grain',
  'arms-control',
  'cyber',
  'water',
  'space',
  'fisheries',
  'tourism',
  'education',
  'ceasefire',
  'elections',
];
const CITIES = ['Geneva', 'Vienna', 'Astana', 'Brussels', 'New York', 'Doha', 'Istanbul', 'Singapore', 'Nairobi', 'Lima', 'Oslo', 'Baku'];
const CONFLICTS = [
  'the war in Ukraine',
  'the Gaza war',
  'the Sudan conflict',
  'the Nagorno-Karabakh conflict',
  'the Yemen war',
  'the Sahel insurgency',
];

/** Real words for the most frequent ranks (so searches for them look like real ones), then made-up ones. */
const COMMON_WORDS = (
  'the of and to in on a for with talks leaders minister agreed said cooperation bilateral relations trade security ' +
  'meeting summit government foreign president prime new economic energy regional agreement support joint development ' +
  'investment partnership defence issues discussed countries sides further region programme ministers dialogue stability peace ' +
  'visit statement officials border infrastructure finance climate strategic sanctions nuclear agenda'
)
  .split(' ')
  .filter((word, index, all) => word && all.indexOf(word) === index);
const VOCABULARY_SIZE = 4000;
const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ren',
  'tor',
  'va',
  'shi',
  'dun',
  'pel',
  'qua',
  'sor',
  'ni',
  'bra',
  'zel',
  'cor',
  'fin',
  'gar',
  'hel',
  'jor',
  'mon',
  'ste',
  'ul',
  'vin',
  'wex',
];

function makeVocabulary(rng, size) {
  const words = [...COMMON_WORDS];
  const seen = new Set(words);
  while (words.length < size) {
    let word = '';
    const count = rng.int(2, 4);
    for (let i = 0; i < count; i++) word += rng.pick(SYLLABLES);
    if (!seen.has(word)) {
      seen.add(word);
      words.push(word);
    }
  }
  return words;
}

/**
 * Sampling from a Zipf(-Mandelbrot) law over ranks 0..n-1, weight 1/(rank + 1 + q)^s, by binary search in its
 * cumulative weights; q flattens the head (countries: no second country as frequent as the US).
 */
function zipf(n, s, q = 0) {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) cumulative[k] = total += 1 / Math.pow(k + 1 + q, s);
  return (u) => {
    const target = u * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const pad = (n) => String(n).padStart(2, '0');
const DAY_MS = 86_400_000;
const START_MS = Date.UTC(1990, 0, 1);
/** The last day developments happen on: the archive never reaches into the future (today is in 2026). */
const END_MS = Date.UTC(2026, 9, 31);
const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);

class Archive {
  /** @param {{ lines: number, seed?: number }} options `lines`: how many NDJSON lines in all. */
  constructor({ lines, seed = 7 }) {
    this.total = lines;
    this.seed = seed;
    this.rng = prng(seed);
    this.words = makeVocabulary(prng(seed + 1), VOCABULARY_SIZE);
    this.wordRank = zipf(this.words.length, 1.05);
    this.countryRank = zipf(COUNTRY_CODES.length - 1, 1.7, 13);
    this.organizationRank = zipf(ORGANIZATIONS.length, 0.8);
    // Rare words: each used by a handful of developments (~5 uses each whatever the size).
    const rareCount = Math.max(50, Math.round((lines * 0.05) / 5));
    this.rareWords = Array.from({ length: rareCount }, (_, i) => `rarex${i.toString(36)}q`);
    this.rareUses = new Map();
    this.countryCounts = new Map(COUNTRY_CODES.map((code) => [code, 0]));
    this.kindCounts = {};
    // Corrections and retractions refer to one of the recent creations (a ring: bounded memory).
    this.recent = [];
    this.recentMax = 20_000;
    this.samples = { meetingIds: [], organizationIds: [] };
    this.organizations = this.chains();
    this.emitted = 0;
  }

  /** Per organization: members, presidency holder, its valid-time clock and the step between its facts. */
  chains() {
    const factsPerOrganization = Math.max(8, (this.total * 0.01) / ORGANIZATIONS.length);
    const span = (END_MS - START_MS) / DAY_MS;
    return ORGANIZATIONS.map((code, index) => ({
      code,
      members: [],
      memberSet: new Set(),
      holder: undefined,
      clock: START_MS + index * DAY_MS,
      step: Math.max(1, Math.floor((span - 30) / factsPerOrganization)),
      facts: 0,
    }));
  }

  country() {
    const code = COUNTRY_CODES[1 + this.countryRank(this.rng.next())];
    return code;
  }

  /** `count` distinct countries; the US among them in ~23 % of developments. */
  countries(count) {
    const chosen = new Set();
    if (this.rng.chance(FREQUENT_SHARE)) chosen.add(FREQUENT);
    let attempts = 0;
    while (chosen.size < count) {
      // Zipf draws repeat the head often; after many attempts fall back to uniform so big sets finish quickly.
      const code = attempts++ < count * 8 ? this.country() : this.rng.pick(COUNTRY_CODES.slice(1));
      chosen.add(code);
    }
    const list = [...chosen];
    for (const code of list) this.countryCounts.set(code, this.countryCounts.get(code) + 1);
    return list;
  }

  /** A date in 1990–2026: 85 % day, 10 % month, 5 % year precision. */
  date() {
    const ms = START_MS + Math.floor(this.rng.next() * ((END_MS - START_MS) / DAY_MS)) * DAY_MS;
    const day = isoDay(ms);
    const u = this.rng.next();
    if (u < 0.05) return day.slice(0, 4);
    if (u < 0.15) return day.slice(0, 7);
    return day;
  }

  word() {
    return this.words[this.wordRank(this.rng.next())];
  }

  /** Words until `length` characters; with `rare`, one rare word among them (5 % of the developments). */
  text(length, rare) {
    const parts = [];
    let size = 0;
    while (size < length) {
      const word = this.word();
      parts.push(word);
      size += word.length + 1;
    }
    if (rare) {
      const word = this.rng.pick(this.rareWords);
      this.rareUses.set(word, (this.rareUses.get(word) || 0) + 1);
      parts[this.rng.int(0, parts.length - 1)] = word;
    }
    const text = parts.join(' ');
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  person(code, date) {
    // One leader per country and 5-year era, so names repeat like real ones do.
    let hash = Number(date.slice(0, 4)) / 5;
    for (let i = 0; i < code.length; i++) hash = (hash * 31 + code.charCodeAt(i)) >>> 0;
    return { name: `${FIRST[hash % FIRST.length]} ${LAST[(hash >> 5) % LAST.length]}`, country: code };
  }

  common(date, names) {
    const rare = this.rng.chance(0.05);
    // ~60 characters: who, then words.
    const prefix = `${names.slice(0, 2).join(' and ')}: `;
    const title = `${prefix}${this.text(Math.max(12, 56 - prefix.length), false)}`.slice(0, 90).trim();
    const body = { id: this.rng.uuid(), occurredOn: date, title, summary: this.text(this.rng.int(206, 590), rare).slice(0, 600) };
    const sourceCount = this.rng.int(1, 2);
    body.sources = [];
    for (let i = 0; i < sourceCount; i++) {
      const [publisher, base] = this.rng.pick(PUBLISHERS);
      body.sources.push({ url: `${base}${this.emitted}-${this.rng.int(100000, 999999)}`, publisher });
    }
    if (this.rng.chance(0.6)) body.tags = [...new Set([this.rng.pick(TAGS), this.rng.pick(TAGS)])].slice(0, this.rng.int(1, 2));
    return body;
  }

  name(code) {
    return countries.getName(code, 'en') || code;
  }

  meeting() {
    const codes = this.countries(this.rng.int(2, 5));
    const date = this.date();
    const body = {
      kind: 'meeting',
      ...this.common(
        date,
        codes.map((code) => this.name(code)),
      ),
    };
    body.participants = codes.map((code) => ({ ...this.person(code, date), role: this.rng.pick(ROLES) }));
    if (this.rng.chance(0.3)) body.organization = ORGANIZATIONS[this.organizationRank(this.rng.next())];
    if (this.rng.chance(0.2)) body.location = { city: this.rng.pick(CITIES), country: codes[0] };
    return body;
  }

  /** A day-precision date and, for a multi-day meeting, its end a day or two later (same month). */
  span() {
    const year = this.rng.int(1990, 2026);
    const month = year === 2026 ? this.rng.int(1, 10) : this.rng.int(1, 12);
    const day = this.rng.int(1, 26);
    const occurredOn = `${year}-${pad(month)}-${pad(day)}`;
    return { occurredOn, endsOn: `${year}-${pad(month)}-${pad(day + this.rng.int(1, 2))}` };
  }

  summit() {
    const [host] = this.countries(1);
    const organization = ORGANIZATIONS[this.organizationRank(this.rng.next())];
    const { occurredOn, endsOn } = this.span();
    const body = {
      kind: 'summit',
      ...this.common(occurredOn, [`${organization} summit in ${this.name(host)}`]),
      endsOn,
      organization,
      host,
    };
    if (this.rng.chance(0.5)) body.location = { city: this.rng.pick(CITIES), country: host };
    return body;
  }

  peaceSummit() {
    const count = this.rng.int(5, 40);
    const absent = this.rng.chance(0.6) ? this.rng.int(1, 4) : 0;
    const codes = this.countries(count + absent + 1);
    const [host, ...rest] = codes;
    const { occurredOn, endsOn } = this.span();
    const body = { kind: 'peace-summit', ...this.common(occurredOn, [`Peace summit in ${this.name(host)}`]), endsOn, host };
    body.attendees = rest.slice(0, count);
    if (absent > 0)
      body.absentees = rest.slice(count).map((country) => ({ country, reason: this.rng.chance(0.5) ? 'declined' : 'not-invited' }));
    if (this.rng.chance(0.5)) body.conflict = this.rng.pick(CONFLICTS);
    return body;
  }

  /**
   * The next fact of an organization's chain, at its clock (always moving forward: file order = valid-time order).
   * Early facts found the organization (approvals); later ones approve non-members, end members (never the
   * presidency holder) and hand the presidency over from its holder to another full member.
   */
  organizationFact() {
    const org = this.rng.pick(this.organizations);
    org.clock = Math.min(END_MS, org.clock + this.rng.int(1, 2 * org.step) * DAY_MS);
    const occurredOn = isoDay(org.clock);
    const u = this.rng.next();
    let body;
    if (org.members.length < 5 || (u < 0.55 && org.members.length < COUNTRY_CODES.length - 1)) {
      let country = this.country();
      while (org.memberSet.has(country)) country = this.rng.pick(COUNTRY_CODES);
      org.members.push(country);
      org.memberSet.add(country);
      body = {
        kind: 'membership-approval',
        ...this.common(occurredOn, [`${this.name(country)} joins ${org.code}`]),
        organization: org.code,
        country,
      };
    } else if (u < 0.75 && org.members.length > 5) {
      const candidates = org.members.filter((code) => code !== org.holder);
      const country = this.rng.pick(candidates);
      org.members.splice(org.members.indexOf(country), 1);
      org.memberSet.delete(country);
      const reason = this.rng.chance(0.8) ? 'withdrawal' : this.rng.chance(0.5) ? 'suspension' : 'expulsion';
      body = {
        kind: 'membership-ending',
        ...this.common(occurredOn, [`${this.name(country)} leaves ${org.code}`]),
        organization: org.code,
        country,
        reason,
      };
    } else {
      let to = this.rng.pick(org.members);
      while (to === org.holder) to = this.rng.pick(org.members);
      body = {
        kind: 'presidency-handover',
        ...this.common(occurredOn, [`${this.name(to)} takes over the ${org.code} presidency`]),
        organization: org.code,
      };
      if (org.holder) body.from = org.holder;
      body.to = to;
      org.holder = to;
    }
    org.facts++;
    return body;
  }

  correction() {
    const target = this.rng.pick(this.recent);
    target.corrections++;
    return {
      kind: 'correction',
      developmentId: target.id,
      changes: { title: `${this.text(50, false).slice(0, 60)} (corrected ${target.corrections})` },
      reason: 'A later report gave other details',
    };
  }

  /** Retracts a recent standalone development (retracting an organization's fact would break its chain). */
  retraction() {
    for (let attempt = 0; attempt < 20; attempt++) {
      const index = this.rng.int(0, this.recent.length - 1);
      const target = this.recent[index];
      if (target.organizationStream) continue;
      // Gone from the ring: nothing corrects or retracts it again.
      this.recent[index] = this.recent[this.recent.length - 1];
      this.recent.pop();
      return { kind: 'retraction', developmentId: target.id, reason: 'The report was withdrawn by its source' };
    }
    return undefined;
  }

  next() {
    const u = this.rng.next();
    let body;
    if (this.recent.length > 50 && u < 0.03) body = this.correction();
    else if (this.recent.length > 50 && u < 0.035) body = this.retraction();
    if (!body) {
      const v = this.rng.next();
      if (v < 0.86) body = this.meeting();
      else if (v < 0.96) body = this.summit();
      else if (v < 0.99) body = this.peaceSummit();
      else body = this.organizationFact();
      const organizationStream = body.kind.startsWith('membership') || body.kind === 'presidency-handover';
      const entry = { id: body.id, corrections: 0, organizationStream };
      if (this.recent.length < this.recentMax) this.recent.push(entry);
      else this.recent[this.rng.int(0, this.recentMax - 1)] = entry;
      if (body.kind === 'meeting' && this.samples.meetingIds.length < 50 && body.participants.some((p) => p.country === FREQUENT))
        this.samples.meetingIds.push(body.id);
      if (organizationStream && this.samples.organizationIds.length < 50) this.samples.organizationIds.push(body.id);
    }
    this.kindCounts[body.kind] = (this.kindCounts[body.kind] || 0) + 1;
    this.emitted++;
    return body;
  }

  /** The NDJSON lines, one a string without its newline. */
  *lines() {
    while (this.emitted < this.total) yield JSON.stringify(this.next());
  }

  /** What the archive used, for the query mix (call after iterating). */
  summary() {
    const byCount = [...this.countryCounts.entries()].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
    const creations = this.emitted - (this.kindCounts.correction || 0) - (this.kindCounts.retraction || 0);
    const rareUsed = [...this.rareUses.entries()].sort((a, b) => a[0].localeCompare(b[0]));
    return {
      lines: this.emitted,
      creations,
      seed: this.seed,
      kinds: this.kindCounts,
      words: {
        common: this.words.slice(0, 5),
        // Rank ~300 of the Zipf law: in roughly 1–2 % of the developments.
        mid: this.words.slice(300, 305),
        rare: rareUsed.slice(0, 5).map(([word]) => word),
        rareUses: Object.fromEntries(rareUsed.slice(0, 5)),
        vocabulary: this.words.length,
        rareWords: this.rareWords.length,
      },
      countries: {
        frequent: byCount.slice(0, 5).map(([code]) => code),
        rare: byCount.slice(-5).map(([code]) => code),
        frequentShare: Math.round((1000 * (this.countryCounts.get(FREQUENT) || 0)) / creations) / 1000,
        used: byCount.length,
        counts: Object.fromEntries(byCount.slice(0, 5).concat(byCount.slice(-5))),
      },
      organizations: Object.fromEntries(
        this.organizations.map((org) => [org.code, { facts: org.facts, members: org.members.length, holder: org.holder || null }]),
      ),
      samples: this.samples,
    };
  }
}

/** Writes the archive to `file` in big synchronous writes; returns its summary. */
function writeArchive(file, options) {
  const archive = new Archive(options);
  const fd = fs.openSync(file, 'w');
  let buffer = [];
  let size = 0;
  try {
    for (const line of archive.lines()) {
      buffer.push(line);
      size += line.length;
      if (size > 4 << 20) {
        fs.writeSync(fd, `${buffer.join('\n')}\n`);
        buffer = [];
        size = 0;
      }
    }
    if (buffer.length > 0) fs.writeSync(fd, `${buffer.join('\n')}\n`);
  } finally {
    fs.closeSync(fd);
  }
  return archive.summary();
}

module.exports = { Archive, writeArchive, ORGANIZATIONS, COUNTRY_CODES };

if (require.main === module) {
  const value = (name, fallback) => {
    const hit = process.argv.find((arg) => arg.startsWith(`--${name}=`));
    return hit ? Number(hit.slice(name.length + 3)) : fallback;
  };
  const archive = new Archive({ lines: value('lines', 100_000), seed: value('seed', 7) });
  const started = Date.now();
  const out = [];
  for (const line of archive.lines()) {
    out.push(line);
    if (out.length === 10_000) process.stdout.write(`${out.splice(0).join('\n')}\n`);
  }
  if (out.length > 0) process.stdout.write(`${out.join('\n')}\n`);
  process.stderr.write(`${JSON.stringify({ ...archive.summary(), seconds: (Date.now() - started) / 1000 }, null, 1)}\n`);
}
