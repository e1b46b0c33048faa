import type { Development } from '@annals/domain';
import type { TimelineEntry } from '@annals/application';
import { EXPORTERS } from './index';
import type { TimelineJsDocument } from './timelinejs.export';
import type { ExportRow } from './timeline-export';

function row(
  entry: Partial<TimelineEntry> & Pick<TimelineEntry, 'developmentId' | 'kind' | 'occurredOn' | 'title'>,
  content: Record<string, unknown>,
): ExportRow {
  const precision = entry.occurredOn.length === 4 ? 'year' : entry.occurredOn.length === 7 ? 'month' : 'day';
  const base: Omit<TimelineEntry, 'developmentId' | 'kind' | 'occurredOn' | 'title'> = {
    precision,
    countries: [],
    roles: [],
    organizations: [],
    corrected: false,
    retracted: false,
    recordedAt: '2024-07-05T09:00:00.000Z',
    position: '42',
  };
  return {
    entry: { ...base, ...entry },
    // Partial contents on purpose: each test names only the fields it is about.
    development: { kind: entry.kind, content: { occurredOn: entry.occurredOn, title: entry.title, ...content } } as Development,
  };
}

const astana = { city: 'Astana', country: 'KZ' };

const xiPutin = row(
  {
    developmentId: 'd-meeting',
    kind: 'meeting',
    occurredOn: '2024-07-03',
    title: 'Xi Jinping meets Vladimir Putin in Astana',
    summary: 'Talks on the "comprehensive partnership", trade, and the SCO.',
    countries: ['CN', 'KZ', 'RU'],
    organizations: ['SCO'],
    location: astana,
  },
  {
    participants: [
      { name: 'Xi Jinping', country: 'CN', role: 'President' },
      { name: 'Wang Yi', country: 'CN' },
      { name: 'Vladimir Putin', country: 'RU', role: 'President' },
    ],
    location: astana,
    organization: 'SCO',
    sources: [
      { url: 'https://EN.Kremlin.ru/events/president/news', title: 'Meeting with President of China Xi Jinping', publisher: 'Kremlin' },
      { publisher: 'Xinhua', publishedOn: '2024-07-03' },
    ],
  },
);

const scoSummit = row(
  {
    developmentId: 'd-summit',
    kind: 'summit',
    occurredOn: '2024-07-03',
    endsOn: '2024-07-04',
    title: 'SCO Heads of State Council, Astana',
    countries: ['KZ'],
    organizations: ['SCO'],
    location: astana,
  },
  { organization: 'SCO', host: 'KZ', location: astana, sources: [{ url: 'https://www.akorda.kz/en', publisher: 'Akorda' }] },
);

const iranApproval = row(
  {
    developmentId: 'd-iran',
    kind: 'membership-approval',
    occurredOn: '2021',
    title: "SCO approves the start of Iran's accession",
    countries: ['IR'],
    organizations: ['SCO'],
  },
  { organization: 'SCO', country: 'IR', status: 'member' },
);

const chinaPresidency = row(
  {
    developmentId: 'd-presidency',
    kind: 'presidency-handover',
    occurredOn: '2024-07',
    title: 'Kazakhstan hands the SCO presidency to China',
    countries: ['CN', 'KZ'],
    organizations: ['SCO'],
  },
  { organization: 'SCO', from: 'KZ', to: 'CN' },
);

const retracted = row(
  {
    developmentId: 'd-retracted',
    kind: 'membership-ending',
    occurredOn: '2024-07-04',
    title: 'Reported suspension of a member',
    countries: ['BY'],
    organizations: ['SCO'],
    retracted: true,
  },
  { organization: 'SCO', country: 'BY', reason: 'suspension' },
);

const rows = [iranApproval, xiPutin, scoSummit, chinaPresidency, retracted];

/** A small RFC 4180 reader, so the tests check what a spreadsheet would read back, not string fragments. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  return records;
}

function csvRecords(input: readonly ExportRow[]): Record<string, string>[] {
  const [header, ...records] = parseCsv(EXPORTERS.csv(input, 'SCO timeline').body);
  return records.map((values) => Object.fromEntries(header!.map((name, i) => [name, values[i]!])));
}

describe('CSV export', () => {
  it('starts with the header row and ends every record with CRLF', () => {
    const file = EXPORTERS.csv(rows, 'SCO timeline');
    expect(file).toMatchObject({ contentType: 'text/csv; charset=utf-8', extension: 'csv' });
    expect(file.body.split('\r\n')[0]).toBe(
      'development_id,kind,occurred_on,ends_on,precision,title,summary,cameo_root_code,cameo_root_label,actor1_iso3,actor2_iso3,countries_iso3,participants_iso3,hosts_iso3,attendees_iso3,absentees_iso3,members_iso3,from_iso3,to_iso3,organizations,location_city,location_country_iso3,sources,source_count,corrected,retracted,recorded_at,position',
    );
    expect(file.body.endsWith('\r\n')).toBe(true);
    expect(file.body.replace(/\r\n/g, '')).not.toMatch(/\n/);
    expect(parseCsv(file.body)).toHaveLength(rows.length + 1);
  });

  it('quotes fields with commas, quotes and line breaks, doubling the quotes inside', () => {
    const multiline = row(
      { developmentId: 'd-x', kind: 'meeting', occurredOn: '2024-07-03', title: 'Line one\nline two' },
      { participants: [] },
    );
    const body = EXPORTERS.csv([xiPutin, multiline], 'SCO timeline').body;
    expect(body).toContain('"Talks on the ""comprehensive partnership"", trade, and the SCO."');
    const [first, second] = csvRecords([xiPutin, multiline]);
    expect([first!.summary, second!.title]).toEqual([
      'Talks on the "comprehensive partnership", trade, and the SCO.',
      'Line one\nline two',
    ]);
  });

  it('neutralizes free text that a spreadsheet would run as a formula, but leaves its own values alone', () => {
    const hostile = row(
      {
        developmentId: 'd-hostile',
        kind: 'meeting',
        occurredOn: '2024-07-03',
        title: '=HYPERLINK("http://evil.example","click")',
        summary: '-2+3',
        location: { city: '@SUM(A1)', country: 'KZ' },
        position: '7',
      },
      { participants: [{ name: 'X', country: 'CN' }], sources: [{ url: '+cmd' }] },
    );
    const [record] = csvRecords([hostile]);
    expect(record!).toMatchObject({
      title: '\'=HYPERLINK("http://evil.example","click")',
      summary: "'-2+3",
      location_city: "'@SUM(A1)",
      sources: "'+cmd",
    });
    expect(record!).toMatchObject({ occurred_on: '2024-07-03', source_count: '1', position: '7' });
  });

  it('writes actors, countries and locations as ISO alpha-3', () => {
    const [iran, meeting, summit, presidency] = csvRecords(rows);
    expect([meeting!.actor1_iso3, meeting!.actor2_iso3]).toEqual(['CHN', 'RUS']);
    expect(meeting!.countries_iso3).toBe('CHN;KAZ;RUS');
    expect(meeting!.location_country_iso3).toBe('KAZ');
    expect([summit!.actor1_iso3, summit!.actor2_iso3]).toEqual(['KAZ', '']);
    expect([iran!.actor1_iso3, iran!.actor2_iso3]).toEqual(['IRN', '']);
    expect([presidency!.actor1_iso3, presidency!.actor2_iso3]).toEqual(['KAZ', 'CHN']);
  });

  it('codes each kind with its CAMEO root', () => {
    const codes = csvRecords(rows).map((r) => [r.kind, r.cameo_root_code, r.cameo_root_label]);
    expect(codes).toEqual([
      ['membership-approval', '05', 'Engage in diplomatic cooperation'],
      ['meeting', '04', 'Consult'],
      ['summit', '04', 'Consult'],
      ['presidency-handover', '05', 'Engage in diplomatic cooperation'],
      ['membership-ending', '16', 'Reduce relations'],
    ]);
  });

  it('lists sources by URL, else publisher, keeps retracted rows and flags them', () => {
    const [iran, meeting, , , gone] = csvRecords(rows);
    expect(meeting!.sources).toBe('https://EN.Kremlin.ru/events/president/news;Xinhua');
    expect(meeting!.source_count).toBe('2');
    expect(iran!).toMatchObject({ sources: '', source_count: '0', precision: 'year', occurred_on: '2021' });
    expect(gone!).toMatchObject({ development_id: 'd-retracted', retracted: 'true', corrected: 'false' });
  });
});

/** Unfolds RFC 5545 continuation lines so assertions see whole properties. */
const icsLines = (body: string): string[] => body.replace(/\r\n[\t ]/g, '').split('\r\n');

describe('ICS export', () => {
  const file = EXPORTERS.ics(rows, 'SCO timeline');
  const lines = icsLines(file.body);
  const eventOf = (uid: string): string[] => {
    const start = lines.indexOf(`UID:${uid}`);
    return lines.slice(start, lines.indexOf('END:VEVENT', start));
  };

  it('holds exactly the day-precision developments that are not retracted', () => {
    expect(file).toMatchObject({ contentType: 'text/calendar; charset=utf-8', extension: 'ics' });
    expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('UID:'))).toEqual(['UID:d-meeting@annals', 'UID:d-summit@annals']);
  });

  it('writes all-day dates with an exclusive end', () => {
    expect(eventOf('d-summit@annals')).toEqual(expect.arrayContaining(['DTSTART;VALUE=DATE:20240703', 'DTEND;VALUE=DATE:20240705']));
    expect(eventOf('d-meeting@annals')).toEqual(expect.arrayContaining(['DTSTART;VALUE=DATE:20240703', 'DTEND;VALUE=DATE:20240704']));
  });

  it('ends an event whose end is known only to a month after that month', () => {
    const talks = row(
      { developmentId: 'd-talks', kind: 'peace-summit', occurredOn: '2024-06-28', endsOn: '2024-07', title: 'Talks' },
      { host: 'CH', attendees: [] },
    );
    const talkLines = icsLines(EXPORTERS.ics([talks], 'Talks').body);
    expect(talkLines).toEqual(expect.arrayContaining(['DTSTART;VALUE=DATE:20240628', 'DTEND;VALUE=DATE:20240801']));
  });

  it('names the calendar and describes each event with its summary, sources, link, place and categories', () => {
    expect(lines).toEqual(expect.arrayContaining(['PRODID:annals/timeline', 'X-WR-CALNAME:SCO timeline']));
    const meeting = eventOf('d-meeting@annals');
    expect(meeting).toContain('SUMMARY:Xi Jinping meets Vladimir Putin in Astana');
    expect(meeting).toContain('URL:https://en.kremlin.ru/events/president/news');
    expect(meeting).toContain('LOCATION:Astana\\, Kazakhstan');
    expect(meeting).toContain('CATEGORIES:meeting,SCO');
    const description = meeting.find((l) => l.startsWith('DESCRIPTION:'));
    expect(description).toContain('Talks on the "comprehensive partnership"\\, trade\\, and the SCO.');
    expect(description).toContain(
      'Sources:\\n- Meeting with President of China Xi Jinping\\, Kremlin: https://EN.Kremlin.ru/events/president/news',
    );
    expect(description).toContain('- Xinhua\\, 2024-07-03');
  });

  it('leaves out a link the calendar library would reject instead of failing the export', () => {
    const odd = row(
      { developmentId: 'd-odd', kind: 'meeting', occurredOn: '2024-07-03', title: 'Odd' },
      { participants: [], sources: [{ url: 'javascript:alert(1)' }] },
    );
    const oddLines = icsLines(EXPORTERS.ics([odd], 'Odd').body);
    expect(oddLines.some((l) => l.startsWith('URL:'))).toBe(false);
  });

  it('produces an empty calendar when no development has a known day', () => {
    const empty = EXPORTERS.ics([iranApproval, retracted], 'SCO timeline').body;
    expect(empty).toContain('BEGIN:VCALENDAR');
    expect(empty).not.toContain('BEGIN:VEVENT');
  });
});

describe('TimelineJS export', () => {
  const file = EXPORTERS.timelinejs(rows, 'SCO <timeline>');
  const document = JSON.parse(file.body) as TimelineJsDocument;
  const slide = (id: string) => document.events.find((e) => e.unique_id === id)!;

  it('is TimelineJS3 JSON with a title slide and one slide per development that was not retracted', () => {
    expect(file).toMatchObject({ contentType: 'application/json; charset=utf-8', extension: 'json' });
    expect(document.title.text.headline).toBe('SCO &lt;timeline&gt;');
    expect(document.events.map((e) => e.unique_id)).toEqual(['d-iran', 'd-meeting', 'd-summit', 'd-presidency']);
  });

  it('gives start and end dates only the parts their precision knows, and shows imprecise dates as recorded', () => {
    expect(slide('d-iran')).toMatchObject({ start_date: { year: 2021 }, display_date: '2021' });
    expect(slide('d-presidency')).toMatchObject({ start_date: { year: 2024, month: 7 }, display_date: '2024-07' });
    expect([slide('d-iran').start_date, slide('d-presidency').start_date]).toEqual([{ year: 2021 }, { year: 2024, month: 7 }]);
    expect(slide('d-summit')).toMatchObject({ start_date: { year: 2024, month: 7, day: 3 }, end_date: { year: 2024, month: 7, day: 4 } });
    expect(slide('d-summit')).not.toHaveProperty('display_date');
    expect(slide('d-meeting')).not.toHaveProperty('end_date');
  });

  it('groups slides by organization, or by kind when there is none', () => {
    const unaffiliated = row(
      { developmentId: 'd-peace', kind: 'peace-summit', occurredOn: '2024-06-15', title: 'Summit on Peace in Ukraine' },
      { host: 'CH', attendees: [] },
    );
    expect(slide('d-meeting').group).toBe('SCO');
    const [peace] = (JSON.parse(EXPORTERS.timelinejs([unaffiliated], 'Peace').body) as TimelineJsDocument).events;
    expect(peace!.group).toBe('peace-summit');
  });

  it('escapes recorded text as HTML and links only web sources', () => {
    const hostile = row(
      {
        developmentId: 'd-html',
        kind: 'meeting',
        occurredOn: '2024-07-03',
        title: '<img src=x onerror=alert(1)>',
        summary: 'Tom & "Jerry" <b>',
      },
      {
        participants: [],
        sources: [
          { url: 'javascript:alert(1)', title: 'Bad <link>' },
          { url: 'https://example.org/a?b=1&c="2"', publisher: 'Example' },
        ],
      },
    );
    const [html] = (JSON.parse(EXPORTERS.timelinejs([hostile], 'X').body) as TimelineJsDocument).events;
    expect(html!.text.headline).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(html!.text.text).toContain('<p>Tom &amp; &quot;Jerry&quot; &lt;b&gt;</p>');
    expect(html!.text.text).toContain('<li>Bad &lt;link&gt;</li>');
    expect(html!.text.text).not.toContain('javascript:');
    expect(html!.text.text).toContain(
      '<a href="https://example.org/a?b=1&amp;c=%222%22" target="_blank" rel="noopener noreferrer">Example</a>',
    );
  });

  describe('roles', () => {
    const burgenstock = row(
      {
        developmentId: 'd-burgenstock',
        kind: 'peace-summit',
        occurredOn: '2024-06-15',
        endsOn: '2024-06-16',
        title: 'Summit on Peace in Ukraine',
        countries: ['AR', 'CH', 'CN', 'RU', 'UA'],
      },
      {
        host: 'CH',
        location: { city: 'Bürgenstock', country: 'CH' },
        attendees: ['UA', 'AR'],
        absentees: [
          { country: 'CN', reason: 'declined' },
          { country: 'RU', reason: 'not-invited' },
        ],
      },
    );

    it('writes a CSV column per role, and never an absentee as an actor', () => {
      const [peace] = csvRecords([burgenstock]);
      expect(peace).toMatchObject({
        actor1_iso3: 'CHE',
        actor2_iso3: '',
        hosts_iso3: 'CHE',
        attendees_iso3: 'UKR;ARG',
        absentees_iso3: 'CHN;RUS',
        participants_iso3: '',
      });
      const [meeting] = csvRecords([xiPutin]);
      expect(meeting).toMatchObject({ participants_iso3: 'CHN;RUS', absentees_iso3: '' });
    });

    it('names attendees and absentees apart in the TimelineJS text', () => {
      const [peace] = (JSON.parse(EXPORTERS.timelinejs([burgenstock], 'Peace').body) as TimelineJsDocument).events;
      expect(peace!.text.text).toContain('<p>Host: Switzerland</p>');
      expect(peace!.text.text).toContain('<p>Attended: Ukraine, Argentina</p>');
      expect(peace!.text.text).toContain('<p>Absent (did not attend): China (declined), Russia (not invited)</p>');
      expect(peace!.text.text).not.toMatch(/Attended:[^<]*China/);
    });
  });
});
