'use strict';
/**
 * Deterministic, realistic data for the benchmarks (seeded PRNG, so two runs see the same log):
 * - `appendRow(rng)`: one event of ~250 B JSON data, for the append benchmark;
 * - `meetingContent(rng, i)`: a RecordMeetingDto body (2–4 participants among 60 countries, ~200-char summary,
 *   1–3 sources, an organization occasion on a small share), for HTTP writes and the generated log;
 * - `generateLog({ dir, events })`: that many valid `MeetingHeld` events appended FAST through the SqliteEventStore
 *   (many streams, `expectedRevision: 'any'`, big group-committed waves).
 */
const path = require('node:path');
const { dist, prng, log } = require('./common');

/** 60 countries with a plausible leader name each (alpha-2, as the domain stores them). */
const COUNTRIES = [
  ['RU', 'Vladimir Putin'],
  ['CN', 'Xi Jinping'],
  ['US', 'Joe Biden'],
  ['IN', 'Narendra Modi'],
  ['FR', 'Emmanuel Macron'],
  ['DE', 'Olaf Scholz'],
  ['GB', 'Keir Starmer'],
  ['JP', 'Fumio Kishida'],
  ['BR', 'Luiz Inacio Lula da Silva'],
  ['ZA', 'Cyril Ramaphosa'],
  ['TR', 'Recep Tayyip Erdogan'],
  ['IR', 'Masoud Pezeshkian'],
  ['SA', 'Mohammed bin Salman'],
  ['AE', 'Mohamed bin Zayed'],
  ['EG', 'Abdel Fattah el-Sisi'],
  ['KZ', 'Kassym-Jomart Tokayev'],
  ['UZ', 'Shavkat Mirziyoyev'],
  ['KG', 'Sadyr Japarov'],
  ['TJ', 'Emomali Rahmon'],
  ['BY', 'Alexander Lukashenko'],
  ['PK', 'Shehbaz Sharif'],
  ['ID', 'Prabowo Subianto'],
  ['VN', 'To Lam'],
  ['TH', 'Paetongtarn Shinawatra'],
  ['MY', 'Anwar Ibrahim'],
  ['SG', 'Lawrence Wong'],
  ['PH', 'Ferdinand Marcos Jr.'],
  ['KR', 'Yoon Suk Yeol'],
  ['KP', 'Kim Jong Un'],
  ['MN', 'Ukhnaagiin Khurelsukh'],
  ['AU', 'Anthony Albanese'],
  ['CA', 'Justin Trudeau'],
  ['MX', 'Claudia Sheinbaum'],
  ['AR', 'Javier Milei'],
  ['CL', 'Gabriel Boric'],
  ['CO', 'Gustavo Petro'],
  ['VE', 'Nicolas Maduro'],
  ['CU', 'Miguel Diaz-Canel'],
  ['IT', 'Giorgia Meloni'],
  ['ES', 'Pedro Sanchez'],
  ['PL', 'Donald Tusk'],
  ['UA', 'Volodymyr Zelensky'],
  ['HU', 'Viktor Orban'],
  ['RS', 'Aleksandar Vucic'],
  ['GR', 'Kyriakos Mitsotakis'],
  ['IL', 'Benjamin Netanyahu'],
  ['QA', 'Tamim bin Hamad Al Thani'],
  ['IQ', 'Mohammed Shia al-Sudani'],
  ['SY', 'Ahmed al-Sharaa'],
  ['AZ', 'Ilham Aliyev'],
  ['AM', 'Nikol Pashinyan'],
  ['GE', 'Irakli Kobakhidze'],
  ['ET', 'Abiy Ahmed'],
  ['NG', 'Bola Tinubu'],
  ['KE', 'William Ruto'],
  ['DZ', 'Abdelmadjid Tebboune'],
  ['MA', 'Aziz Akhannouch'],
  ['NZ', 'Christopher Luxon'],
  ['SE', 'Ulf Kristersson'],
  ['FI', 'Alexander Stubb'],
];
const COUNTRY_CODES = COUNTRIES.map(([code]) => code);
const PUBLISHERS = [
  ['TASS', 'https://tass.com/politics/'],
  ['Xinhua', 'https://english.news.cn/'],
  ['Reuters', 'https://www.reuters.com/world/'],
  ['Associated Press', 'https://apnews.com/article/'],
  ['Kremlin', 'http://en.kremlin.ru/events/president/news/'],
  ['BBC', 'https://www.bbc.com/news/world-'],
  ['Le Monde', 'https://www.lemonde.fr/en/international/article/'],
  ['Al Jazeera', 'https://www.aljazeera.com/news/'],
];
const TOPICS = [
  'trade and investment',
  'energy cooperation',
  'regional security',
  'a ceasefire proposal',
  'grain exports',
  'nuclear energy',
  'visa-free travel',
  'transport corridors',
  'climate finance',
  'a debt restructuring',
];
const FILLER =
  'The leaders discussed bilateral relations, signed several agreements and instructed their governments to prepare a joint programme; ' +
  'officials said follow-up talks at ministerial level would take place before the end of the year.';

const pad = (n, width = 2) => String(n).padStart(width, '0');

function day(rng, fromYear = 1992, toYear = 2025) {
  return `${rng.int(fromYear, toYear)}-${pad(rng.int(1, 12))}-${pad(rng.int(1, 28))}`;
}

function participants(rng, count) {
  const chosen = new Set();
  while (chosen.size < count) chosen.add(rng.int(0, COUNTRIES.length - 1));
  return [...chosen].map((index) => ({ name: COUNTRIES[index][1], country: COUNTRIES[index][0] }));
}

function sources(rng, count, serial) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const [publisher, base] = rng.pick(PUBLISHERS);
    out.push({ url: `${base}${serial}-${rng.int(100000, 999999)}`, publisher });
  }
  return out;
}

/** A RecordMeetingDto body (HTTP) / MeetingHeld content (log), without the id. ~550–750 B of JSON. */
function meetingContent(rng, serial, options = {}) {
  const people = participants(rng, rng.int(2, 4));
  const topic = rng.pick(TOPICS);
  const title = `${people.map((p) => p.name).join(', ')} meet on ${topic}`.slice(0, 200);
  const summary = `Talks on ${topic} (#${serial}). ${FILLER}`.slice(0, 200);
  const content = { occurredOn: day(rng), title, summary, sources: sources(rng, rng.int(1, 3), serial), participants: people };
  if (options.organizationShare && rng.chance(options.organizationShare)) content.organization = 'SCO';
  return content;
}

/** One ~250 B data object (the append benchmark's row): id, date, title, two participants, one source. */
function appendData(rng, serial) {
  const people = participants(rng, 2);
  const [, base] = rng.pick(PUBLISHERS);
  return {
    developmentId: rng.uuid(),
    occurredOn: day(rng),
    title: `Meeting #${serial}`,
    participants: people,
    sources: [{ url: `${base}${serial}` }],
  };
}

const BASE_RECORDED_MS = Date.UTC(2025, 0, 1);

function metadata(eventId, serial, recordedMs) {
  const correlationId = `bench-${serial}`;
  return {
    eventId,
    recordedAt: new Date(recordedMs).toISOString(),
    schemaVersion: 1,
    actor: 'bench',
    correlationId,
    causationId: correlationId,
  };
}

/** A valid MeetingHeld NewEvent in its own development stream. */
function meetingEvent(rng, serial, recordedMs = BASE_RECORDED_MS + serial * 1000) {
  const developmentId = rng.uuid();
  const eventId = rng.uuid();
  const data = { developmentId, ...meetingContent(rng, serial, { organizationShare: 0.02 }) };
  return {
    stream: `development-${developmentId}`,
    event: { eventId, type: 'MeetingHeld', data, metadata: metadata(eventId, serial, recordedMs) },
  };
}

/**
 * Appends `events` MeetingHeld events into `dir/events.db` through the SqliteEventStore: waves of `wave`
 * concurrent single-event appends (each its own stream) that the store group-commits in one transaction per tick.
 * Uses synchronous=NORMAL: the generated log is scratch data, its durability is not what is measured.
 */
async function generateLog({ dir, events, seed = 42, wave = 2000 }) {
  const { SqliteEventStore } = dist('libs/event-store/src');
  const store = new SqliteEventStore({ filename: path.join(dir, 'events.db'), synchronous: 'normal' });
  const rng = prng(seed);
  const started = process.hrtime.bigint();
  let serial = 0;
  let bytes = 0;
  try {
    while (serial < events) {
      const pending = [];
      const count = Math.min(wave, events - serial);
      for (let i = 0; i < count; i++) {
        const { stream, event } = meetingEvent(rng, serial++);
        if (serial <= 1000) bytes += JSON.stringify(event.data).length;
        pending.push(store.append(stream, [event], { expectedRevision: 'any' }));
      }
      await Promise.all(pending);
      if (serial % 200000 === 0) log(`  generated ${serial} events`);
    }
  } finally {
    await store.close();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { events, seconds, eventsPerSecond: events / seconds, averageDataBytes: Math.round(bytes / Math.min(events, 1000)) };
}

module.exports = { COUNTRIES, COUNTRY_CODES, meetingContent, appendData, meetingEvent, metadata, generateLog, BASE_RECORDED_MS };
