import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAIN = join(__dirname, '..', '..', 'dist', 'apps', 'api', 'src', 'main.js');

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

interface Run {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exited: Promise<number | null>;
}

function run(env: Record<string, string>): Run {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, SAMPLE_DATA: 'false', LOG_LEVEL: 'info', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result: Run = { child, stdout: '', stderr: '', exited: once(child, 'exit').then(([code]) => code as number | null) };
  child.stdout?.on('data', (chunk: Buffer) => (result.stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (result.stderr += chunk.toString()));
  return result;
}

const lines = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, any>);

/** The built service as an operator runs it: its log on stdout, its start-up problems on stderr. */
describe('the service as an operator sees it', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'annals-e2e-operable-'));
  let port: number;
  let service: Run;
  let url: string;

  beforeAll(async () => {
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
    service = run({ PORT: String(port), DATA_DIR: dataDir });
    const deadline = Date.now() + 30_000;
    while (
      !(await fetch(`${url}/health/ready`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (service.child.exitCode !== null || Date.now() > deadline) throw new Error(`did not start: ${service.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Starting services on a loaded 2-core machine can take longer than the default hook time.
  }, 60_000);
  afterAll(async () => {
    if (service.child.exitCode === null) {
      service.child.kill('SIGTERM');
      await service.exited;
    }
    // The service's worker may still be closing its files: retry the removal briefly.
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  });

  it('says where it listens in one line, with the route mapping kept out of the info log', () => {
    const startup = lines(service.stdout).filter((line) => String(line.msg).includes('listening on'));
    expect(startup.map((line) => line.msg)).toEqual([`Annals listening on ${url} (API docs at ${url}/docs)`]);
    expect(service.stdout).not.toMatch(/Mapped \{/);
    expect(service.stdout).not.toMatch(/dependencies initialized/);
  });

  it('logs one structured line per request, keeping an incoming x-request-id and echoing it', async () => {
    const read = await fetch(`${url}/api/organizations/SCO?asOf=2024-07-05`, { headers: { 'x-request-id': 'trace-0001' } });
    expect(read.headers.get('x-request-id')).toBe('trace-0001');
    const write = await fetch(`${url}/api/developments/meetings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        occurredOn: '2024-07-03',
        title: 'Xi Jinping and Vladimir Putin meet in Astana',
        participants: [
          { name: 'Xi Jinping', country: 'CN' },
          { name: 'Vladimir Putin', country: 'RU' },
        ],
      }),
    });
    expect(write.status).toBe(201);
    const made = write.headers.get('x-request-id')!;
    expect(made).toMatch(/^[0-9a-f-]{36}$/);
    const refused = await fetch(`${url}/api/countries/XX/timeline`, { headers: { 'x-request-id': 'not a token; <script>' } });
    expect(refused.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const requests = lines(service.stdout).filter((line) => line.context === 'HTTP');
    expect(requests.filter((line) => line.requestId === 'trace-0001')).toEqual([
      expect.objectContaining({ method: 'GET', route: '/api/organizations/:code', path: '/api/organizations/SCO', status: 200 }),
    ]);
    expect(requests.filter((line) => line.requestId === made)).toEqual([
      expect.objectContaining({ method: 'POST', route: '/api/developments/meetings', status: 201, durationMs: expect.any(Number) }),
    ]);
    expect(requests.filter((line) => line.requestId === refused.headers.get('x-request-id'))).toEqual([
      expect.objectContaining({ method: 'GET', route: '/api/countries/:code/timeline', status: 400 }),
    ]);
  });

  it('a port in use is one line naming PORT, no stack trace', async () => {
    const second = run({ PORT: String(port), DATA_DIR: mkdtempSync(join(tmpdir(), 'annals-e2e-port-')) });
    expect(await second.exited).toBe(1);
    expect(second.stderr.trim().split('\n')).toEqual([
      `Port ${port} is already in use on 127.0.0.1: set PORT to a free port, or stop the process using it`,
    ]);
    expect(second.stdout).not.toMatch(/\n\s+at /);
    // A process start on a loaded 2-core machine can take seconds.
  }, 30_000);

  it('an unusable DATA_DIR is one line naming DATA_DIR, no stack trace', async () => {
    const file = join(dataDir, 'not-a-folder');
    writeFileSync(file, '');
    const bad = run({ PORT: String(await freePort()), DATA_DIR: join(file, 'data') });
    expect(await bad.exited).toBe(1);
    expect(bad.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^DATA_DIR ".*not-a-folder\/data" cannot be used \(.+\): set DATA_DIR to /),
    ]);
    expect(bad.stdout + bad.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});
