import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import fc from 'fast-check';
import { VALIDATOR_OPTIONS } from '../http/problem';
import { TimelineQueryDto } from './timeline-query.dto';
import { plainTimelineQuery } from './timeline-query.shortcut';

const pipe = new ValidationPipe({ ...VALIDATOR_OPTIONS, transform: true });
const metadata = { type: 'query' as const, metatype: TimelineQueryDto, data: undefined };

/** What class-validator makes of a query: the DTO, or undefined when it refuses it. */
async function validated(query: object): Promise<TimelineQueryDto | undefined> {
  try {
    return (await pipe.transform(query, metadata)) as TimelineQueryDto;
  } catch {
    return undefined;
  }
}

const values = {
  from: ['2005', '2005-02', '2004-02-29', '2005-02-29', '0000', '2005-13', '', '20050', '1999-12-31'],
  to: ['2024', '2024-06-30', 'soon', '2024-6'],
  kind: ['meeting', 'meeting,summit', 'summit,', 'meetings', 'peace-summit,membership-ending'],
  limit: ['1', '50', '500', '501', '0', '050', '-1', '1.5', ' 50', '5e1', ''],
  cursor: ['abc', 'x'.repeat(500), 'x'.repeat(501), '😀'.repeat(250), ''],
  order: ['asc', 'desc', 'ASC', ''],
  includeRetracted: ['true', 'false', '1'],
  format: ['json', 'csv', 'ics', 'timelinejs', 'xml'],
  minPosition: ['12', 'x'.repeat(40), 'x'.repeat(41)],
  asKnownAt: ['2024-07-04T12:00:00Z', 'yesterday'],
  unknown: ['1'],
  constructor: ['1'],
};

const query = fc.dictionary(
  fc.constantFrom(...Object.keys(values)),
  fc.oneof(
    fc.constant(undefined),
    fc.constantFrom(...Object.values(values).flat()),
    fc.array(fc.constantFrom('2005', '50'), { minLength: 2, maxLength: 2 }),
  ),
);

describe('the plain timeline query shortcut', () => {
  it('builds the DTO class-validator builds for a plain query', async () => {
    const dto = plainTimelineQuery({ limit: '50', from: '2005', kind: 'meeting,summit', order: 'desc' });
    expect(dto).toBeInstanceOf(TimelineQueryDto);
    expect(dto).toEqual(await validated({ limit: '50', from: '2005', kind: 'meeting,summit', order: 'desc' }));
    expect(dto?.kinds).toEqual(['meeting', 'summit']);
    expect(dto?.limit).toBe(50);
  });

  it('never accepts a query class-validator refuses, and agrees on every query it accepts', async () => {
    await fc.assert(
      fc.asyncProperty(query, async (raw) => {
        const plain = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined));
        const shortcut = plainTimelineQuery(plain);
        if (shortcut === undefined) return;
        const full = await validated(plain);
        expect(full).toBeDefined();
        expect(shortcut).toEqual(full);
      }),
      { numRuns: 3000 },
    );
  });

  it('leaves refusals to class-validator', () => {
    expect(plainTimelineQuery({ limit: '501' })).toBeUndefined();
    expect(plainTimelineQuery({ from: '2005-02-30' })).toBeUndefined();
    expect(plainTimelineQuery({ limit: ['50', '60'] })).toBeUndefined();
    expect(plainTimelineQuery({ color: 'red' })).toBeUndefined();
    expect(plainTimelineQuery(null)).toBeUndefined();
  });
});
