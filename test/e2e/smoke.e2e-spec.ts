import { startTestApp, type TestApp } from '../support/test-app';

describe('the service', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers ready once the store and the views are up', async () => {
    const ready = await app.call('GET', '/health/ready');
    expect(ready.status).toBe(200);
  });

  it('records a meeting and shows it on both countries timelines', async () => {
    const write = await app.call('POST', '/api/developments/meetings', {
      occurredOn: '2024-07-03',
      title: 'Xi and Putin meet in Astana',
      participants: [
        { name: 'Xi Jinping', country: 'CHN' },
        { name: 'Vladimir Putin', country: 'ru' },
      ],
    });
    expect(write.status).toBe(201);
    const timeline = await app.call('GET', `/api/countries/RU/relations/CN/timeline?minPosition=${write.json.position}`);
    expect(timeline.status).toBe(200);
    expect(timeline.json.items.map((i: { title: string }) => i.title)).toEqual(['Xi and Putin meet in Astana']);
  });
});
