import { parsePartialDate } from './partial-date';

describe('partial dates', () => {
  it('keeps the precision and counts from the first day of the period', () => {
    expect(parsePartialDate('2024')).toMatchObject({ value: '2024', precision: 'year', start: '2024-01-01', endExclusive: '2025-01-01' });
    expect(parsePartialDate('2024-12')).toMatchObject({ precision: 'month', start: '2024-12-01', endExclusive: '2025-01-01' });
    expect(parsePartialDate('2024-02-29')).toMatchObject({ precision: 'day', start: '2024-02-29', endExclusive: '2024-03-01' });
  });

  it('handles the first and the last centuries of the calendar', () => {
    expect(parsePartialDate('0050-06-01')).toMatchObject({ start: '0050-06-01', end: '0050-06-01', endExclusive: '0050-06-02' });
    expect(parsePartialDate('0004-02')).toMatchObject({ end: '0004-02-29' });
    expect(parsePartialDate('9999')).toMatchObject({ start: '9999-01-01', end: '9999-12-31' });
  });

  it('rejects calendar-invalid and malformed dates', () => {
    for (const text of ['2024-02-30', '2023-02-29', '2024-13', '2024-00', '2024-1-5', '24', '2024-07-04T00:00', '', '0000']) {
      expect(parsePartialDate(text)).toBeUndefined();
    }
  });
});
