import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../support/test-app';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'apps', 'api', 'src', 'cli.js');

interface Ran {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A command line without blocking the event loop (an app of this test may answer meanwhile). */
function run(command: string, args: string[], env: Record<string, string>, input?: string): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { ...process.env, SAMPLE_DATA: 'false', LOG_LEVEL: 'silent', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}
const annals = (dataDir: string, args: string[], input?: string) => run(process.execPath, [CLI, ...args], { DATA_DIR: dataDir }, input);
const shell = (dataDir: string, script: string) => run('bash', ['-c', script], { DATA_DIR: dataDir, CLI, NODE: process.execPath });

const lines = (text: string) => text.split('\n').filter((line) => line !== '');

/** A dataset with every kind of event: developments, corrections, a retraction, an organization of its own. */
function dataset(meetings: number): string {
  const out: object[] = [{ kind: 'organization', code: 'QUAD', name: 'Quadrilateral Security Dialogue' }];
  for (let i = 0; i < meetings; i++)
    out.push({
      kind: 'meeting',
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      occurredOn: `20${String(10 + (i % 15)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 10}`,
      title: `Talks number ${i} between the foreign ministers, with a summary long enough to make lines of some size`,
      summary: 'x'.repeat(200),
      participants: [
        { name: `Minister ${i}`, country: 'CN' },
        { name: `Minister ${i + 1}`, country: i % 2 ? 'RU' : 'IN' },
      ],
      ...(i % 7 === 0 ? { organization: 'QUAD' } : {}),
      sources: [{ publisher: 'test' }],
    });
  out.push({ kind: 'membership-approval', organization: 'SCO', country: 'BY', occurredOn: '2024-07-04', title: 'Belarus joins' });
  out.push({
    kind: 'correction',
    developmentId: '00000000-0000-4000-8000-000000000001',
    changes: { title: 'Corrected talks' },
    reason: 'r',
  });
  out.push({ kind: 'retraction', developmentId: '00000000-0000-4000-8000-000000000002', reason: 'never happened' });
  return `${out.map((line) => JSON.stringify(line)).join('\n')}\n`;
}

/** Everything a user compares between two stores: the raw log, the digests, timelines and a history. */
async function snapshot(app: TestApp) {
  const events: unknown[] = [];
  for (let after = '0'; ;) {
    const page = await app.call('GET', `/api/events?after=${after}&limit=1000`);
    events.push(...(page.json as unknown[]));
    if ((page.json as unknown[]).length < 1000) break;
    after = (page.json as Array<{ position: string }>).at(-1)!.position;
  }
  const digests = ((await app.call('GET', '/api/projections')).json as Array<{ name: string; digest: string }>).map((p) => [
    p.name,
    p.digest,
  ]);
  const timeline = (await app.call('GET', '/api/countries/CN/timeline?limit=500')).json as { items: unknown[] };
  const quad = (await app.call('GET', '/api/organizations/QUAD/timeline?limit=500')).json as { items: unknown[] };
  const history = (await app.call('GET', '/api/developments/00000000-0000-4000-8000-000000000001')).json as unknown;
  return { events, digests, timeline: timeline.items, quad: quad.items, history };
}

async function caughtUp(app: TestApp): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const projections = (await app.call('GET', '/api/projections')).json as Array<{ lag: number }>;
    if (projections.every((p) => p.lag === 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('views did not catch up');
}

async function withApp<T>(dataDir: string, work: (app: TestApp) => Promise<T>): Promise<T> {
  const app = await startTestApp({ DATA_DIR: dataDir });
  try {
    await caughtUp(app);
    return await work(app);
  } finally {
    await app.close();
  }
}

describe('export, restore and import idempotency (annals CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'annals-restore-'));
  const source = join(dir, 'source');
  const exportFile = join(dir, 'export.ndjson');
  let exported: string[];

  beforeAll(async () => {
    writeFileSync(join(dir, 'in.ndjson'), dataset(300));
    const imported = await annals(source, ['import', join(dir, 'in.ndjson')]);
    expect(JSON.parse(imported.stdout)).toMatchObject({ accepted: 304, rejected: [] });
    const written = await shell(source, `"$NODE" "$CLI" export > ${exportFile}`);
    expect(written.status).toBe(0);
    exported = lines(readFileSync(exportFile, 'utf8'));
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the whole log as NDJSON and nothing else, and says on stderr how many events it wrote', async () => {
    expect(exported.length).toBeGreaterThan(300);
    for (const line of exported)
      expect(Object.keys(JSON.parse(line) as object)).toEqual([
        'position',
        'stream',
        'revision',
        'eventId',
        'type',
        'data',
        'metadata',
        'recordedAt',
      ]);
    const answer = await annals(source, ['export']);
    expect(answer.stdout).toBe(`${exported.join('\n')}\n`);
    expect(lines(answer.stderr).at(-1)).toBe(`export: ${exported.length} events written`);
  });

  it('delivers every line through a pipe, run after run', async () => {
    const counts = await Promise.all(Array.from({ length: 12 }, () => shell(source, '"$NODE" "$CLI" export 2>/dev/null | cat | wc -l')));
    expect(counts.map((c) => Number(c.stdout.trim()))).toEqual(counts.map(() => exported.length));
  }, 120_000);

  it('ends quietly with exit code 0 when the reader closes the pipe (| head), the lines it got being clean NDJSON', async () => {
    const answer = await run('bash', ['-c', '"$NODE" "$CLI" export 2>"$ERR" | head -n 3; echo "exit ${PIPESTATUS[0]}"'], {
      DATA_DIR: source,
      CLI,
      NODE: process.execPath,
      ERR: join(dir, 'head.err'),
    });
    expect(lines(answer.stdout)).toEqual([...exported.slice(0, 3), 'exit 0']);
    expect(readFileSync(join(dir, 'head.err'), 'utf8')).not.toMatch(/EPIPE|Error|\n\s+at /);
  });

  it('writes only NDJSON from npm run -s annals -- export', async () => {
    const answer = await run('npm', ['run', '-s', 'annals', '--', 'export'], { DATA_DIR: source });
    expect(answer.status).toBe(0);
    expect(lines(answer.stdout)).toEqual(exported);
  }, 60_000);

  it('restores the export into an empty store: the same log item for item, the same digests, timelines and history', async () => {
    const target = join(dir, 'restored');
    const restored = await annals(target, ['restore', exportFile]);
    expect({ status: restored.status, stderr: restored.stderr }).toEqual({ status: 0, stderr: expect.stringContaining('events restored') });
    expect(restored.stdout).toBe('');
    const before = await withApp(source, snapshot);
    const after = await withApp(target, snapshot);
    expect(after.events).toEqual(before.events);
    expect(after.digests).toEqual(before.digests);
    expect(after.timeline).toEqual(before.timeline);
    expect(after.quad).toEqual(before.quad);
    expect(after.history).toEqual(before.history);
    expect((await annals(target, ['verify'])).status).toBe(0);
  }, 120_000);

  it('restores from stdin with -', async () => {
    const target = join(dir, 'from-stdin');
    const restored = await annals(target, ['restore', '-'], readFileSync(exportFile, 'utf8'));
    expect(restored.status).toBe(0);
    expect(lines((await annals(target, ['export'])).stdout)).toEqual(exported);
  }, 60_000);

  it('refuses a store that is not empty with exit code 2, writing nothing', async () => {
    const refused = await annals(source, ['restore', exportFile]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/not empty/);
    expect(lines((await annals(source, ['export'])).stdout)).toEqual(exported);
  });

  it.each([
    ['a broken line', (log: string[]) => [...log.slice(0, 5), log[5]!.slice(0, 40), ...log.slice(6)], /line 6: not valid JSON/],
    ['positions out of order', (log: string[]) => [...log.slice(0, 5), log[6]!, log[5]!, ...log.slice(7)], /positions out of order/],
    [
      'recordedAt going backwards',
      (log: string[]) =>
        log.map((line, index) => {
          if (index !== 100) return line;
          const event = JSON.parse(line) as { recordedAt: string; metadata: Record<string, unknown> };
          const recordedAt = '2001-01-01T00:00:00.000Z';
          return JSON.stringify({ ...event, recordedAt, metadata: { ...event.metadata, recordedAt } });
        }),
      /recorded time going backwards/,
    ],
    ['a line that is not an event', (log: string[]) => [...log.slice(0, 50), '{"kind":"meeting"}', ...log.slice(50)], /line 51: missing/],
  ])('refuses an export with %s before writing anything', async (_what, damage, message) => {
    const damaged = join(dir, 'damaged.ndjson');
    writeFileSync(damaged, `${damage(exported).join('\n')}\n`);
    const target = mkdtempSync(join(dir, 'damaged-'));
    const refused = await annals(target, ['restore', damaged]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(message);
    expect(refused.stderr).toMatch(/Nothing was written/);
    expect((await annals(target, ['export'])).stdout).toBe('');
  });

  it('records nothing the second time the same file is imported, and says so', async () => {
    const target = join(dir, 'twice');
    const file = join(dir, 'twice.ndjson');
    // Lines without ids: their ids are derived from their content.
    const meetings = Array.from({ length: 20 }, (_, i) => ({
      kind: 'meeting',
      occurredOn: '2024-03-01',
      title: `Talks ${i}`,
      participants: [
        { name: 'A', country: 'CN' },
        { name: 'B', country: 'RU' },
      ],
    }));
    const approval = { kind: 'membership-approval', organization: 'SCO', country: 'BY', occurredOn: '2024-07-04', title: 'Belarus joins' };
    writeFileSync(file, [...meetings, approval].map((line) => JSON.stringify(line)).join('\n'));
    const first = JSON.parse((await annals(target, ['import', file])).stdout) as Record<string, unknown>;
    const log = (await annals(target, ['export'])).stdout;
    const second = JSON.parse((await annals(target, ['import', file])).stdout) as Record<string, unknown>;
    expect(first).toMatchObject({ accepted: 21, alreadyRecorded: 0, rejected: [] });
    expect(second).toMatchObject({ accepted: 0, alreadyRecorded: 21, rejected: [] });
    expect((await annals(target, ['export'])).stdout).toBe(log);
  }, 60_000);

  it('exports the developments as import lines that rebuild the same timelines in an empty store, and again record nothing', async () => {
    const answer = await annals(source, ['export', '--developments']);
    expect(answer.status).toBe(0);
    const developments = lines(answer.stdout).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(developments[0]).toEqual({ kind: 'organization', code: 'QUAD', name: 'Quadrilateral Security Dialogue' });
    expect(developments.find((d) => d.id === '00000000-0000-4000-8000-000000000001')).toMatchObject({ title: 'Corrected talks' });
    expect(developments.find((d) => d.id === '00000000-0000-4000-8000-000000000002')).toBeUndefined();
    const file = join(dir, 'developments.ndjson');
    writeFileSync(file, answer.stdout);
    const target = join(dir, 'from-developments');
    expect(JSON.parse((await annals(target, ['import', file])).stdout)).toMatchObject({ accepted: developments.length, rejected: [] });
    const again = JSON.parse((await annals(target, ['import', file])).stdout) as { accepted: number; rejected: unknown[] };
    expect(again.accepted).toBe(0);
    const comparable = (items: unknown[]) =>
      (items as Array<Record<string, unknown>>).map(({ position: _p, recordedAt: _r, corrected: _c, ...rest }) => rest);
    const before = await withApp(source, snapshot);
    const after = await withApp(target, snapshot);
    expect(comparable(after.timeline)).toEqual(comparable(before.timeline));
    expect(comparable(after.quad)).toEqual(comparable(before.quad));
  }, 120_000);
});
