import { startTestApp, type TestApp } from '../support/test-app';

/** Reads Server-Sent Events until `count` events named `name` arrived. */
async function collectEvents(url: string, names: string[], count: number, signal: AbortSignal): Promise<unknown[]> {
  const response = await fetch(url, { headers: { accept: 'text/event-stream' }, signal });
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const found: unknown[] = [];
  let buffer = '';
  while (found.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    const blocks = buffer.split('\n\n');
    buffer = blocks.pop() ?? '';
    for (const block of blocks) {
      const lines = block.split('\n');
      if (!names.some((name) => lines.includes(`event: ${name}`))) continue;
      found.push(
        JSON.parse(
          lines
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n'),
        ),
      );
    }
  }
  await reader.cancel();
  return found;
}

describe('live updates over Server-Sent Events', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('sends a recorded and a corrected event for each recorded and corrected development, filtered by country', async () => {
    const abort = new AbortController();
    const received = collectEvents(`${app.url}/api/live?country=KZ`, ['recorded', 'corrected'], 2, abort.signal);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const elsewhere = await app.call('POST', '/api/developments/meetings', {
      occurredOn: '2024-05-01',
      title: 'Unrelated meeting',
      participants: [
        { name: 'A', country: 'FR' },
        { name: 'B', country: 'DE' },
      ],
    });
    expect(elsewhere.status).toBe(201);
    const meeting = await app.call('POST', '/api/developments/meetings', {
      occurredOn: '2024-07-03',
      title: 'Meeting in Astana',
      location: { city: 'Astana', country: 'KZ' },
      participants: [
        { name: 'Xi Jinping', country: 'CN' },
        { name: 'Vladimir Putin', country: 'RU' },
      ],
    });
    const correction = await app.call('POST', `/api/developments/${meeting.json.developmentId}/corrections`, {
      changes: { title: 'Xi and Putin meet in Astana' },
      reason: 'fuller title',
    });
    expect(correction.status).toBe(201);
    const events = (await received) as Array<{ developmentId: string; title: string; corrected: boolean }>;
    abort.abort();
    expect(events.map((e) => [e.developmentId, e.title, e.corrected])).toEqual([
      [meeting.json.developmentId, 'Meeting in Astana', false],
      [meeting.json.developmentId, 'Xi and Putin meet in Astana', true],
    ]);
  });
});
