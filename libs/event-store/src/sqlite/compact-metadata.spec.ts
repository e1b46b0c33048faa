import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { compactMetadata, expandMetadata } from './compact-metadata';
import { SqliteEventStore } from './sqlite.event-store';

const ID = '3f94c061-c60c-55b3-986c-b7e571f0c41c';
const AT = '2026-12-01T14:00:51.709Z';
const roundTrip = (metadata: Record<string, unknown>) => expandMetadata(compactMetadata(metadata, ID, AT), ID, AT);

describe('SQLite event metadata: stored without the columns it repeats', () => {
  it('gives back the same keys in the same order, wherever eventId and recordedAt stood', () => {
    const shapes: Array<Record<string, unknown>> = [
      { eventId: ID, schemaVersion: 1, recordedAt: AT, correlationId: 'c', causationId: 'c:1', actor: 'anonymous' },
      { schemaVersion: 1, actor: 'a', recordedAt: AT },
      { recordedAt: AT, eventId: ID },
      { eventId: ID },
      { a: 1, eventId: ID, b: { nested: [1, 2] }, recordedAt: AT, c: null },
    ];
    for (const metadata of shapes) expect(JSON.stringify(roundTrip(metadata))).toBe(JSON.stringify(metadata));
  });

  it('is smaller when the columns stand for the keys, and kept as written when they do not', () => {
    const written = { eventId: ID, schemaVersion: 1, recordedAt: AT, actor: 'a' };
    expect(compactMetadata(written, ID, AT).length).toBeLessThan(JSON.stringify(written).length - 60);
    const other = { eventId: 'another-id', recordedAt: AT, actor: 'a' };
    expect(compactMetadata(other, ID, AT)).toBe(JSON.stringify(other));
    expect(JSON.stringify(roundTrip(other))).toBe(JSON.stringify(other));
    expect(compactMetadata({ actor: 'a' }, ID, AT)).toBe('{"actor":"a"}');
  });

  it('keeps an own __proto__ key a key', () => {
    const metadata = JSON.parse(`{"eventId":"${ID}","__proto__":{"x":1},"y":2}`) as Record<string, unknown>;
    const back = roundTrip(metadata);
    expect(JSON.stringify(back)).toBe(JSON.stringify(metadata));
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
  });

  it('reads rows stored with the whole metadata (logs written before compaction)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'annals-metadata-'));
    const file = join(dir, 'events.db');
    try {
      const store = new SqliteEventStore({ filename: file });
      await store.append('s', [{ eventId: ID, type: 'T', data: { n: 1 }, metadata: { eventId: ID, recordedAt: AT, actor: 'new' } }], {
        expectedRevision: 'no-stream',
      });
      await store.close();
      const raw = new Database(file);
      const old = { eventId: 'old-id', schemaVersion: 1, recordedAt: AT, actor: 'old' };
      raw
        .prepare('INSERT INTO events (stream, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run('s', 1, 'old-id', 'T', '{"n":2}', JSON.stringify(old), AT);
      const stored = raw.prepare('SELECT metadata FROM events ORDER BY position').all() as Array<{ metadata: string }>;
      raw.close();
      expect(stored[0]!.metadata.startsWith('[')).toBe(true);
      const reopened = new SqliteEventStore({ filename: file });
      const events = await reopened.readStream('s');
      await reopened.close();
      expect(events.map((event) => event.metadata)).toEqual([{ eventId: ID, recordedAt: AT, actor: 'new' }, old]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
