import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '@annals/application';
import { SqliteEventStore } from './sqlite.event-store';

const stamped = (recordedAt: string): NewEvent => {
  const eventId = randomUUID();
  return { eventId, type: 'ThingHappened', data: { developmentId: randomUUID() }, metadata: { eventId, recordedAt } };
};

describe('SqliteEventStore: recorded time', () => {
  const dir = mkdtempSync(join(tmpdir(), 'annals-sqlite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stores an event stamped before the newest one at the newest instant, in its metadata too, and says so', async () => {
    const store = new SqliteEventStore({ filename: join(dir, 'events.db') });
    try {
      const later = '2030-01-01T00:00:00.000Z';
      await store.append('a', [stamped(later)], { expectedRevision: 'no-stream' });
      const earlier = await store.append('b', [stamped('2025-01-01T00:00:00.000Z')], { expectedRevision: 'no-stream' });
      expect(earlier.recordedAt).toBe(later);
      const [stored] = await store.readStream('b');
      expect(stored!.recordedAt).toBe(later);
      expect(stored!.metadata.recordedAt).toBe(later);
      // An event stamped after the newest keeps its own instant.
      const after = await store.append('c', [stamped('2031-01-01T00:00:00.000Z')], { expectedRevision: 'no-stream' });
      expect(after.recordedAt).toBeUndefined();
      expect((await store.lastEvent())!.recordedAt).toBe('2031-01-01T00:00:00.000Z');
    } finally {
      await store.close();
    }
  });
});
