/**
 * The page draws memberships over the periods the service serves: an ended membership starts at its approval's
 * `effectiveOn`, not at the day the approval was reported, and ends at the ending. Its own service and data.
 *
 * Needs Debian's chromium at /usr/bin/chromium and a build in dist/ (`npm run build`). Run: `npm run test:browser`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';

jest.setTimeout(60_000);

const ROOT = resolve(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'apps', 'api', 'src', 'main.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let server: ChildProcess | undefined;
let output = '';
let dataDir: string;
let baseUrl: string;
let browser: Browser;

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

async function post(path: string, body: unknown): Promise<{ developmentId: string; position: string }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`POST ${path} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as { developmentId: string; position: string };
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No browser at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM_PATH`);
  if (!existsSync(MAIN)) throw new Error('No build in dist/: npm run build');
  dataDir = mkdtempSync(join(tmpdir(), 'annals-browser-periods-'));
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    SAMPLE_DATA: 'false',
    EVENT_STORE: 'sqlite',
    READ_STORE: 'sqlite',
    LOG_LEVEL: 'warn',
  };
  delete env.API_KEYS;
  delete env.RATE_LIMIT;
  server = spawn(process.execPath, [MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 45_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`The app exited (${server.exitCode}):\n${output}`);
    const ready = await fetch(`${baseUrl}/api/organizations`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`The app did not start:\n${output}`);
    await new Promise((done) => setTimeout(done, 250));
  }

  // Reported in June 2016, in effect from 2017, ended at the start of 2019.
  await post('/api/organizations', { code: 'TPX', name: 'Test Petroleum Exporters' });
  await post('/api/developments/membership-approvals', {
    organization: 'TPX',
    country: 'QA',
    occurredOn: '2016-06-01',
    effectiveOn: '2017-01-01',
    title: 'Qatar is admitted to the TPX',
  });
  const ending = await post('/api/developments/membership-endings', {
    organization: 'TPX',
    country: 'QA',
    reason: 'withdrawal',
    occurredOn: '2019-01-01',
    title: 'Qatar leaves the TPX',
  });
  // The views include the ending before the page opens.
  const fresh = await fetch(`${baseUrl}/api/organizations/TPX/periods?minPosition=${ending.position}`);
  if (!fresh.ok) throw new Error(`periods answered ${fresh.status}`);

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const closed = new Promise((done) => server!.once('close', done));
    server.kill('SIGTERM');
    await Promise.race([closed, new Promise((done) => setTimeout(done, 10_000))]);
    if (server.exitCode === null) server.kill('SIGKILL');
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function open(path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'en-GB', timezoneId: 'UTC' });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  await page.goto(`${baseUrl}${path}`);
  return { page, problems };
}

/**
 * How far the membership's range starts from the "as of" line (set to the effective date), and how many pixels
 * the seven months between the report and the effective date take at the zoom shown (the range covers two years).
 * A resize first: vis-timeline then redraws every item and marker against the same window.
 */
async function measure(page: Page, label: string): Promise<{ distance: number; sevenMonths: number }> {
  const range = page.locator('.vis-item.vis-range', { hasText: label });
  const marker = page.locator('.vis-custom-time.as-of');
  await range.waitFor();
  await marker.waitFor();
  await page.locator('#status', { hasText: /^Showing/ }).waitFor();
  await page.setViewportSize({ width: 1380, height: 1000 });
  await page.waitForTimeout(500);
  const [rangeBox, markerBox] = await Promise.all([range.boundingBox(), marker.boundingBox()]);
  return { distance: Math.abs(rangeBox!.x - (markerBox!.x + markerBox!.width / 2)), sevenMonths: (rangeBox!.width * 7) / 24 };
}

describe('an ended membership on the timeline', () => {
  it('starts at the effective date and ends at the ending, on the organization view', async () => {
    const { page, problems } = await open('/?organization=TPX&asOf=2017-01-01');
    const { distance, sevenMonths } = await measure(page, 'Qatar');
    expect(distance).toBeLessThan(3);
    expect(sevenMonths).toBeGreaterThan(6); // the report's date would stand visibly apart
    await page.locator('.vis-item.vis-range', { hasText: 'Qatar' }).hover();
    await expect(page.locator('.vis-tooltip').textContent()).resolves.toContain('1 January 2017 – 1 January 2019');
    // The ending stays a development of its own, and the approval is the range: both are in the list.
    await expect(page.locator('#development-list .entry-title').allTextContents()).resolves.toEqual([
      'Qatar leaves the TPX',
      'Qatar is admitted to the TPX',
    ]);
    await page.locator('.vis-item.vis-range', { hasText: 'Qatar' }).click();
    await page.locator('#details-panel').getByRole('heading', { level: 2, name: 'Qatar is admitted to the TPX' }).waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('starts at the effective date on the country view too', async () => {
    const { page, problems } = await open('/?country=QA&asOf=2017-01-01');
    const { distance, sevenMonths } = await measure(page, 'TPX');
    expect(distance).toBeLessThan(3);
    expect(sevenMonths).toBeGreaterThan(6);
    expect(problems).toEqual([]);
    await page.close();
  });
});
