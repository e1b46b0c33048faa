import fc from 'fast-check';
import isLength from 'validator/lib/isLength';
import isURL from 'validator/lib/isURL';
import { isPartialDate, parsePartialDate } from '../values/partial-date';
import { isWebUrl, lengthBetween, source } from './fields';

/** The judgement the fast paths must reproduce: validator.js, as the API has always used it. */
const WEB_URL = { protocols: ['http', 'https'], require_protocol: true };
const validatorSays = (value: string) => isURL(value, WEB_URL);

const TRICKY_URLS = [
  'http://example.com',
  'https://example.com/',
  'HTTPS://EXAMPLE.COM/PATH',
  'https://tass.com/world/1811995',
  'https://www.sco.int/news?id=12&lang=en#top',
  'https://a.b.c.d.example.co.uk/x/y/z',
  'http://example.com?q',
  'http://example.com#frag',
  'http://example.com:8080/x',
  'http://example.com:99999/x',
  'http://example.com:0',
  'http://user:pass@example.com/',
  'http://user@example.com',
  'http://localhost',
  'http://localhost:3000/api',
  'http://192.168.0.1/',
  'http://256.256.256.256/',
  'http://[::1]/',
  'http://[2001:db8::1]:80/',
  'ftp://example.com',
  'mailto:someone@example.com',
  'javascript:alert(1)',
  'example.com',
  '//example.com',
  'http:/example.com',
  'http://',
  'http://.',
  'http://.example.com',
  'http://example..com',
  'http://example.com.',
  'http://-example.com',
  'http://example-.com',
  'http://ex--ample.com',
  'http://ex_ample.com',
  'http://example.c',
  'http://example.c0m',
  'http://example.123',
  'http://123.com',
  'http://exa mple.com',
  'http://example.com/pa th',
  'http://example.com/<script>',
  'http://example.com/"quoted"',
  'http://example.com/%zz',
  'http://example.com/\\back',
  'http://example.com\\back',
  'http://example.com/\u00a0',
  'http://example.com/\u200b',
  'http://example.com/ü',
  'http://bücher.de/',
  'http://例子.测试',
  'http://xn--fsqu00a.xn--0zwm56d',
  'http://example.com/\t',
  'http://example.com/\n',
  ' http://example.com',
  'http://example.com ',
  `http://${'a'.repeat(63)}.com`,
  `http://${'a'.repeat(64)}.com`,
  `http://example.${'a'.repeat(63)}`,
  `http://example.${'a'.repeat(64)}`,
  `http://${Array.from({ length: 5 }, () => 'b'.repeat(60)).join('.')}.com`,
  `http://example.com/${'p'.repeat(1980)}`,
  'https://example.com/a/../b/./c',
  'http://example.com/?redirect=http://evil.com',
  'http://example.com@evil.com',
  'http://evil.com#@example.com',
];

describe('isWebUrl', () => {
  it('accepts exactly what validator.js isURL (http/https, protocol required) accepts, on tricky URLs', () => {
    const disagreements = TRICKY_URLS.filter((url) => isWebUrl(url) !== validatorSays(url));
    expect(disagreements).toEqual([]);
  });

  it('agrees with isURL on generated URLs of URL-like characters (its fast path never accepts what isURL refuses)', () => {
    const part = fc
      .array(fc.constantFrom(...'aZ09-._~:/?#[]@!$&()*+,;=% <>"\\é'.split(''), 'xn--', '\u00a0', '..', '//'), { maxLength: 40 })
      .map((chars) => chars.join(''));
    const url = fc.tuple(
      fc.constantFrom('http://', 'https://', 'HTTP://', 'ftp://', 'http:/', ''),
      part,
      fc.constantFrom('.com', '.c', '.123', ''),
      part,
    );
    fc.assert(
      fc.property(url, ([scheme, host, tld, rest]) => {
        const value = `${scheme}${host}${tld}${rest}`;
        expect(isWebUrl(value)).toBe(validatorSays(value));
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses, as a source url, anything over 2000 characters', () => {
    const long = `https://example.com/${'p'.repeat(1981)}`;
    expect(source.safeParse({ url: long }).success).toBe(false);
    expect(source.safeParse({ url: long.slice(0, 2000) }).success).toBe(true);
  });
});

describe('isPartialDate', () => {
  /** Every day, month and year text of `year`, valid or not (day 0 and 32, month 0 and 13). */
  const textsOf = (year: number): string[] => {
    const y = String(year).padStart(4, '0');
    const texts = [y];
    for (let month = 0; month <= 13; month++) {
      const m = String(month).padStart(2, '0');
      texts.push(`${y}-${m}`);
      for (let day = 0; day <= 32; day++) texts.push(`${y}-${m}-${String(day).padStart(2, '0')}`);
    }
    return texts;
  };

  it('agrees with parsePartialDate on every day of leap, common and edge years', () => {
    const years = [0, 1, 4, 100, 1900, 2000, 2023, 2024, 2100, 2400, 9996, 9999];
    let accepted = 0;
    for (const year of years) {
      for (const text of textsOf(year)) {
        const parsed = parsePartialDate(text) !== undefined;
        if (isPartialDate(text) !== parsed) throw new Error(`${text}: isPartialDate ${!parsed}, parsePartialDate ${parsed}`);
        if (parsed) accepted++;
      }
    }
    // 11 real years (0000 is none): 366 or 365 days, 12 months and the year itself each.
    const leap = [4, 2000, 2024, 2400, 9996].length;
    expect(accepted).toBe(leap * (366 + 13) + (11 - leap) * (365 + 13));
  });

  it('agrees on malformed texts and refuses what is not a string', () => {
    for (const text of [
      '',
      '24',
      '02024',
      '2024-7',
      '2024-07-4',
      '2024-07-04T00:00',
      ' 2024',
      '2024 ',
      '2024/07/04',
      '+2024',
      '２０２４',
      '2024-02-29\n',
    ]) {
      expect(isPartialDate(text)).toBe(parsePartialDate(text) !== undefined);
    }
    expect(isPartialDate('2024-02-29\n')).toBe(false);
    for (const value of [2024, null, undefined, {}, ['2024']]) expect(isPartialDate(value)).toBe(false);
  });
});

describe('lengthBetween', () => {
  const TEXTS = [
    '',
    'a',
    'ab',
    'Bürgenstock',
    'e\u0301',
    '😀',
    '😀😀',
    '👍🏽',
    '👨‍👩‍👧',
    '❤️',
    '❤︎',
    '☺\uFE0F',
    '\uFE0F',
    '\uFE0E\uFE0E',
    '\uD83D',
    '\uDE00',
    'a\uD83Db',
    '𝐀𝐁𝐂',
    '中文',
    'x'.repeat(200),
    `${'x'.repeat(199)}😀`,
    `${'x'.repeat(199)}❤️`,
    `${'😀'.repeat(100)}`,
  ];

  it("agrees with validator's isLength on emoji, surrogate pairs and variation selectors", () => {
    for (const [min, max] of [
      [0, 0],
      [1, 1],
      [1, 2],
      [2, 2],
      [1, 200],
      [0, 5000],
    ] as const) {
      for (const text of TEXTS) {
        if (lengthBetween(text, min, max) !== isLength(text, { min, max }))
          throw new Error(`${JSON.stringify(text)} in [${min}, ${max}]: lengthBetween ${!isLength(text, { min, max })}`);
      }
    }
    expect(lengthBetween('😀', 1, 1)).toBe(true);
    expect(lengthBetween('❤️', 1, 1)).toBe(true);
  });

  it('agrees with isLength on generated texts', () => {
    const text = fc
      .array(fc.constantFrom('a', 'é', '😀', '\uFE0F', '\uFE0E', '\uD83D', '\uDE00', '\u200D', '中'), { maxLength: 12 })
      .map((c) => c.join(''));
    fc.assert(
      fc.property(text, fc.nat(6), fc.nat(6), (value, min, span) => {
        expect(lengthBetween(value, min, min + span)).toBe(isLength(value, { min, max: min + span }));
      }),
      { numRuns: 3000 },
    );
  });
});
