import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSse, type SseEvent } from '../support/sse';
import { startTestApp, type TestApp } from '../support/test-app';

const meeting = (title: string, countries: [string, string], organization?: string) => ({
  occurredOn: '2024-07-03',
  title,
  participants: [
    { name: `Leader of ${countries[0]}`, country: countries[0] },
    { name: `Leader of ${countries[1]}`, country: countries[1] },
  ],
  ...(organization ? { organization } : {}),
});

const summary = (events: SseEvent[]) =>
  events.map((e) => {
    const entry = JSON.parse(e.data) as { title: string; retracted: boolean };
    return [e.event, e.id, entry.title, entry.retracted];
  });

async function write(app: TestApp, path: string, body: unknown): Promise<{ developmentId: string; position: string }> {
  const answer = await app.call('POST', path, body);
  expect(answer.status).toBe(201);
  return answer.json;
}

describe('the live feed is resumable', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'annals-e2e-live-'));
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ DATA_DIR: dataDir, LIVE_HEARTBEAT_MS: '150' });
  });
  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('names each event for what happened, with the log position of the event as its id', async () => {
    const listening = readSse(`${app.url}/api/live?country=KZ`, { until: (events) => events.length >= 3 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await write(app, '/api/developments/meetings', meeting('Elsewhere', ['FR', 'DE']));
    const recorded = await write(app, '/api/developments/meetings', meeting('Tokayev meets Xi in Astana', ['KZ', 'CN']));
    const corrected = await write(app, `/api/developments/${recorded.developmentId}/corrections`, {
      changes: { title: 'Tokayev and Xi meet in Astana' },
      reason: 'Fuller title',
    });
    const retracted = await write(app, `/api/developments/${recorded.developmentId}/retraction`, { reason: 'Recorded twice' });
    const { events } = await listening;
    expect(summary(events)).toEqual([
      ['recorded', recorded.position, 'Tokayev meets Xi in Astana', false],
      ['corrected', corrected.position, 'Tokayev and Xi meet in Astana', false],
      ['retracted', retracted.position, 'Tokayev and Xi meet in Astana', true],
    ]);
  });

  it('sends heartbeats as comments, without an id', async () => {
    const { raw, comments } = await readSse(`${app.url}/api/live`, {
      until: (_events, comments) => comments.filter((c) => c === 'heartbeat').length >= 2,
    });
    expect(comments.filter((c) => c === 'heartbeat').length).toBeGreaterThanOrEqual(2);
    expect(raw).not.toMatch(/^id:/m);
    expect(raw).not.toMatch(/^event:/m);
  });

  it('replays every matching event after Last-Event-ID, in order, then the live ones, without gap or duplicate', async () => {
    const first = await write(app, '/api/developments/meetings', meeting('First at the SCO', ['CN', 'RU'], 'SCO'));
    const second = await write(app, '/api/developments/meetings', meeting('Second, not at the SCO', ['CN', 'RU']));
    const third = await write(app, '/api/developments/meetings', meeting('Third at the SCO', ['IN', 'PK'], 'SCO'));
    const listening = readSse(`${app.url}/api/live?organization=sco`, {
      headers: { 'last-event-id': first.position },
      until: (events) => events.length >= 2,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const fourth = await write(app, '/api/developments/meetings', meeting('Fourth at the SCO', ['KZ', 'UZ'], 'SCO'));
    const { events } = await listening;
    expect(second.position < third.position).toBe(true);
    expect(summary(events)).toEqual([
      ['recorded', third.position, 'Third at the SCO', false],
      ['recorded', fourth.position, 'Fourth at the SCO', false],
    ]);
  });

  it('replays across a restart of the service', async () => {
    const before = await write(app, '/api/developments/meetings', meeting('Before the restart', ['BY', 'RU']));
    const missed = await write(app, '/api/developments/meetings', meeting('Missed while away', ['BY', 'CN']));
    await app.close();
    app = await startTestApp({ DATA_DIR: dataDir, LIVE_HEARTBEAT_MS: '150' });
    const { events } = await readSse(`${app.url}/api/live?country=BY`, {
      headers: { 'last-event-id': before.position },
      until: (received) => received.length >= 1,
    });
    expect(summary(events)).toEqual([['recorded', missed.position, 'Missed while away', false]]);
  });

  it('answers 404 for an unknown organization and 400 for a bad filter or Last-Event-ID', async () => {
    const unknown = await app.call('GET', '/api/live?organization=NOPE');
    expect(unknown.status).toBe(404);
    expect(unknown.json.code).toBe('ORGANIZATION_NOT_FOUND');
    expect((await app.call('GET', '/api/live?country=XYZW')).status).toBe(400);
    expect((await app.call('GET', '/api/live', undefined, { 'last-event-id': 'yesterday' })).status).toBe(400);
  });
});
