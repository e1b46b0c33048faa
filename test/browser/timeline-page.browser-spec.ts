/**
 * The timeline page at `/`, driven in a real browser against the built app with the bundled sample data.
 *
 * Needs Debian's chromium at /usr/bin/chromium (`apt-get install -y chromium`) and a build in dist/
 * (made here with `npm run build` when dist/ is missing). Run: `npm run test:browser`.
 */
import { type ChildProcess, execSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';

jest.setTimeout(60_000);

const ROOT = resolve(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'apps', 'api', 'src', 'main.js');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = join(ROOT, 'apps', 'api', 'src', 'web', 'screenshot.png');

const XI_PUTIN_MEETING = 'Xi Jinping and Vladimir Putin meet in Astana on the eve of the SCO summit';
const KAZAKH_PRESIDENCY = 'Kazakhstan takes over the SCO presidency from India';
const PEACE_SUMMIT = 'Summit on Peace in Ukraine at Bürgenstock';
const SCO_FOUNDED = 'Shanghai Cooperation Organisation founded at the Shanghai summit';
const ASTANA_SUMMIT_2024 = 'SCO summit in Astana (2024)';

let server: ChildProcess | undefined;
let serverOutput = '';
let dataDir: string;
let baseUrl: string;
let browser: Browser;

/** Console errors, page errors and Content-Security-Policy reports of each page: a working page has none. */
const problems = new WeakMap<Page, string[]>();

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

async function waitFor<T>(what: string, attempt: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (server?.exitCode !== null && server?.exitCode !== undefined)
      throw new Error(`The app exited (${server.exitCode}) while waiting for ${what}:\n${serverOutput}`);
    try {
      const result = await attempt();
      if (result !== undefined) return result;
    } catch (error) {
      lastError = error;
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`Timed out waiting for ${what} (${lastError instanceof Error ? lastError.message : 'no answer'}):\n${serverOutput}`);
}

/** The built service on the embedded stores with the sample data; no keys or rate limit unless `extra` sets them. */
function serviceEnv(dir: string, port: number, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dir,
    PORT: String(port),
    HOST: '127.0.0.1',
    SAMPLE_DATA: 'true',
    EVENT_STORE: 'sqlite',
    READ_STORE: 'sqlite',
    LOG_LEVEL: 'warn',
  };
  delete env.API_KEYS;
  delete env.RATE_LIMIT;
  return { ...env, ...extra };
}

async function openPage(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'en-GB', timezoneId: 'UTC' });
  const seen: string[] = [];
  problems.set(page, seen);
  page.on('console', (message) => {
    if (message.type() === 'error' || /Content Security Policy/i.test(message.text())) seen.push(message.text());
  });
  page.on('pageerror', (error) => seen.push(error.message));
  await page.goto(`${baseUrl}${path}`);
  return page;
}

const developmentList = (page: Page) => page.locator('#development-list');
const memberList = (page: Page) => page.locator('#member-list');
const details = (page: Page) => page.locator('#details-panel');
const query = (page: Page) => new URL(page.url()).searchParams;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `No browser at ${CHROMIUM}: install Debian's chromium (apt-get update && apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  if (!existsSync(MAIN)) execSync('npm run build', { cwd: ROOT, stdio: 'inherit' });

  dataDir = mkdtempSync(join(tmpdir(), 'annals-browser-'));
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const env = serviceEnv(dataDir, port);
  server = spawn(process.execPath, [MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout?.on('data', (chunk: Buffer) => (serverOutput += chunk.toString()));
  server.stderr?.on('data', (chunk: Buffer) => (serverOutput += chunk.toString()));

  // Up, seeded and projected: the sample data's Belarus is an SCO member on 2024-07-05.
  await waitFor('the sample data', async () => {
    const response = await fetch(`${baseUrl}/api/organizations/SCO/members?asOf=2024-07-05`);
    if (!response.ok) return undefined;
    const body = (await response.json()) as { members: Array<{ country: string }> };
    return body.members.some((member) => member.country === 'BY') ? true : undefined;
  });
  const page = await fetch(`${baseUrl}/`);
  if (page.status !== 200)
    throw new Error(
      `GET / answered ${page.status}: the build in dist/ does not serve the page yet (is WebModule imported into AppModule? run npm run build)`,
    );

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const closed = new Promise((done) => server!.once('close', done));
    server.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise((done) => (timer = setTimeout(done, 10_000)))]);
    clearTimeout(timer);
    if (server.exitCode === null) server.kill('SIGKILL');
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the page at /', () => {
  it('is served with a strict content security policy and stays out of the API documentation', async () => {
    const page = await fetch(`${baseUrl}/`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');

    const vis = await fetch(`${baseUrl}/vendor/vis-timeline/vis-timeline-graph2d.min.js`);
    expect(vis.status).toBe(200);
    expect(vis.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await fetch(`${baseUrl}/vendor/vis-timeline/vis-timeline-graph2d.min.css`)).headers.get('content-type')).toMatch(/^text\/css/);
    expect((await fetch(`${baseUrl}/vendor/vis-timeline/package.json`)).status).toBe(404);
    expect((await fetch(`${baseUrl}/assets/..%2F..%2Fweb.module.ts`)).status).toBe(404);

    const etag = (await fetch(`${baseUrl}/assets/app.js`)).headers.get('etag');
    expect((await fetch(`${baseUrl}/assets/app.js`, { headers: { 'if-none-match': etag! } })).status).toBe(304);

    const docs = (await (await fetch(`${baseUrl}/docs-json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(docs.paths).filter((path) => !path.startsWith('/api') && !path.startsWith('/health'))).toEqual([]);
  });

  it('opens an organization from a deep link and lists its developments as text, on an interactive timeline', async () => {
    const page = await openPage('/?organization=SCO');
    await expect(page.getByRole('heading', { level: 2, name: 'Shanghai Cooperation Organisation (SCO)' }).isVisible()).resolves.toBe(true);
    await developmentList(page).getByRole('link', { name: XI_PUTIN_MEETING }).waitFor();
    const titles = await developmentList(page).locator('.entry-title').allTextContents();
    expect(titles).toEqual(
      expect.arrayContaining([XI_PUTIN_MEETING, ASTANA_SUMMIT_2024, SCO_FOUNDED, 'Belarus becomes the tenth member state of the SCO']),
    );

    // vis-timeline draws the same developments: presidencies and memberships as ranges, the meeting as a point.
    await page.locator('.vis-item').first().waitFor();
    await expect(page.locator('.vis-item.vis-range', { hasText: 'Belarus' }).count()).resolves.toBe(1);
    await expect(page.locator('.vis-item.vis-range.kind-presidency-handover', { hasText: 'China' }).count()).resolves.toBe(1);
    await expect(page.locator('.vis-item.vis-box', { hasText: 'Xi Jinping' }).count()).resolves.toBe(1);
    expect(problems.get(page)).toEqual([]);
    await page.close();
  });

  it('lists the members as of the date in the address, and follows the date input', async () => {
    const page = await openPage('/?organization=SCO&asOf=2024-07-05');
    await memberList(page).getByText('Belarus').waitFor();
    await expect(page.locator('#membership-heading').textContent()).resolves.toBe('Members on 5 July 2024');
    await expect(page.inputValue('#as-of')).resolves.toBe('2024-07-05');

    await page.fill('#as-of', '2020-01-01');
    await page.locator('#membership-heading', { hasText: 'Members on 1 January 2020' }).waitFor();
    const members = await memberList(page).locator('li a').allTextContents();
    expect(members).toEqual(['China', 'India', 'Kyrgyzstan', 'Kazakhstan', 'Pakistan', 'Russia', 'Tajikistan', 'Uzbekistan']);
    expect(members).not.toContain('Belarus');
    expect(query(page).get('asOf')).toBe('2020-01-01');
    expect(query(page).get('organization')).toBe('SCO');
    expect(problems.get(page)).toEqual([]);
    await page.close();
  });

  it('shows the sources and the correction history of a development chosen in the list, and links to it', async () => {
    const page = await openPage('/?organization=SCO');
    await developmentList(page).getByRole('link', { name: KAZAKH_PRESIDENCY }).click();
    await details(page).getByRole('heading', { level: 2, name: KAZAKH_PRESIDENCY }).waitFor();
    await expect(details(page).locator('.sources').first().textContent()).resolves.toContain('gstimes.in');
    const history = details(page).locator('.history > li');
    await expect(history.count()).resolves.toBe(2);
    await expect(history.nth(0).textContent()).resolves.toContain('Recorded');
    await expect(history.nth(1).textContent()).resolves.toContain('Corrected');
    await expect(history.nth(1).textContent()).resolves.toContain("Kazakhstan's foreign ministry");
    await expect(history.nth(1).textContent()).resolves.toContain('Ministry of Foreign Affairs of the Republic of Kazakhstan');
    expect(query(page).get('development')).toBe('8296ef04-49fe-4d3a-874a-b67501e62ee0');

    // The meeting's sources include a link to the report.
    await developmentList(page).getByRole('link', { name: XI_PUTIN_MEETING }).click();
    await details(page).getByRole('heading', { level: 2, name: XI_PUTIN_MEETING }).waitFor();
    await expect(details(page).locator('.sources a').first().getAttribute('href')).resolves.toBe('https://tass.com/world/1811995');
    await expect(details(page).textContent()).resolves.toContain('Vladimir Putin, President of Russia');

    // The address now opens on the same development.
    const shared = await openPage(`${new URL(page.url()).pathname}${new URL(page.url()).search}`);
    await details(shared).getByRole('heading', { level: 2, name: XI_PUTIN_MEETING }).waitFor();
    expect(problems.get(page)).toEqual([]);
    expect(problems.get(shared)).toEqual([]);
    await Promise.all([page.close(), shared.close()]);
  });

  it('shows the details of a development clicked on the timeline', async () => {
    const page = await openPage('/?organization=SCO');
    await page.locator('.vis-item', { hasText: 'SCO summit in Tianjin (2025)' }).click();
    await details(page).getByRole('heading', { level: 2, name: 'SCO summit in Tianjin (2025)' }).waitFor();
    await expect(details(page).locator('.history > li').count()).resolves.toBe(1);
    await expect(developmentList(page).locator('.entry.is-selected .entry-title').textContent()).resolves.toBe(
      'SCO summit in Tianjin (2025)',
    );
    expect(query(page).get('development')).toBe('9ad6fd2d-55ed-4245-a190-a72ac8ee882e');
    await page.close();
  });

  it('opens a pair of countries on the developments involving both', async () => {
    const page = await openPage('/?countries=CN,RU');
    await page.getByRole('heading', { level: 2, name: 'China and Russia' }).waitFor();
    await developmentList(page).getByRole('link', { name: PEACE_SUMMIT }).waitFor();
    const titles = await developmentList(page).locator('.entry-title').allTextContents();
    expect(titles).toEqual([XI_PUTIN_MEETING, PEACE_SUMMIT]); // newest first
    // Both belong to the SCO and BRICS.
    await page.locator('#membership-body', { hasText: 'Shared' }).waitFor();
    await expect(page.locator('#membership-body ul').first().locator('li').allTextContents()).resolves.toEqual([
      'BRICS',
      'Shanghai Cooperation Organisation (SCO)',
    ]);
    expect(query(page).get('countries')).toBe('CN,RU');
    expect(page.url()).toContain('countries=CN,RU');
    expect(problems.get(page)).toEqual([]);
    await page.close();
  });

  it('opens a country with its memberships as of a date', async () => {
    const page = await openPage('/?country=CN&asOf=2010-01-01');
    await page.getByRole('heading', { level: 2, name: 'China' }).waitFor();
    await developmentList(page).getByRole('link', { name: XI_PUTIN_MEETING }).waitFor();
    await page.locator('#membership-heading', { hasText: 'Memberships on 1 January 2010' }).waitFor();
    const memberships = await page.locator('#membership-body li a').allTextContents();
    expect(memberships).toEqual(['BRICS', 'Shanghai Cooperation Organisation (SCO)']);
    await page.close();
  });

  it('keeps the address in step when another view is chosen, and goes back to the previous one', async () => {
    const page = await openPage('/?organization=SCO&asOf=2024-07-05');
    await developmentList(page).getByRole('link', { name: XI_PUTIN_MEETING }).waitFor();

    await page.selectOption('#organization-select', 'BRICS');
    await developmentList(page).getByRole('link', { name: 'BRICS summit in Kazan (2024)' }).waitFor();
    expect([...query(page)]).toEqual([
      ['organization', 'BRICS'],
      ['asOf', '2024-07-05'],
    ]);
    await memberList(page).getByText('Egypt').waitFor();

    await page.fill('#pair-a', 'cn');
    await page.fill('#pair-b', 'ru');
    await page.locator('#pair-form button[type=submit]').click();
    await developmentList(page).getByRole('link', { name: PEACE_SUMMIT }).waitFor();
    expect(query(page).get('countries')).toBe('CN,RU');
    expect(query(page).get('organization')).toBeNull();

    await page.fill('#country-input', 'by');
    await page.locator('#country-input').press('Enter');
    await developmentList(page).getByRole('link', { name: 'Belarus becomes the tenth member state of the SCO' }).waitFor();
    expect(query(page).get('country')).toBe('BY');

    await page.goBack();
    await developmentList(page).getByRole('link', { name: PEACE_SUMMIT }).waitFor();
    expect(query(page).get('countries')).toBe('CN,RU');
    expect(problems.get(page)).toEqual([]);
    await page.close();
  });

  it('replays the record as known at an earlier instant with the "known at" slider', async () => {
    const page = await openPage('/?organization=SCO');
    await developmentList(page).getByRole('link', { name: XI_PUTIN_MEETING }).waitFor();
    const all = await developmentList(page).locator('.entry').count();

    // The first recorded instant: only the first development was known.
    await page.focus('#known-at');
    await page.keyboard.press('Home');
    await page.waitForURL(/[?&]asKnownAt=/);
    await developmentList(page).locator('.entry').nth(1).waitFor({ state: 'detached' });
    await expect(developmentList(page).locator('.entry-title').allTextContents()).resolves.toEqual([SCO_FOUNDED]);
    await expect(page.locator('#known-at-value').textContent()).resolves.toContain(`1 of ${all} developments`);
    const knownAt = query(page).get('asKnownAt')!;
    expect(Number.isNaN(Date.parse(knownAt))).toBe(false);

    // The address opens on the same replay.
    const shared = await openPage(`/?organization=SCO&asKnownAt=${knownAt}`);
    await developmentList(shared).getByRole('link', { name: SCO_FOUNDED }).waitFor();
    await expect(developmentList(shared).locator('.entry').count()).resolves.toBe(1);
    await shared.close();

    await page.getByRole('button', { name: 'Latest' }).click();
    await developmentList(page).getByRole('link', { name: XI_PUTIN_MEETING }).waitFor();
    expect(query(page).has('asKnownAt')).toBe(false);
    expect(problems.get(page)).toEqual([]);
    await page.close();
  });

  it('shows a corrected development as it was known before its correction', async () => {
    const page = await openPage('/?organization=SCO');
    await developmentList(page).getByRole('link', { name: KAZAKH_PRESIDENCY }).click();
    await details(page).locator('.history-corrected').waitFor();
    await details(page).getByRole('button', { name: 'Show the record as known just before this' }).click();
    await page.waitForURL(/[?&]asKnownAt=/);
    await details(page).locator('.history > li').nth(1).waitFor({ state: 'detached' });
    await expect(details(page).locator('.details-summary').textContent()).resolves.not.toContain('foreign ministry');
    await expect(
      developmentList(page).locator('.entry', { hasText: KAZAKH_PRESIDENCY }).locator('.badge.is-corrected').count(),
    ).resolves.toBe(0);
    await page.close();
  });

  it('tells the story at a glance (screenshot for review)', async () => {
    const page = await openPage('/?organization=SCO&asOf=2024-07-05&development=d8bc22be-5287-4107-a939-0c3dc8188dc4');
    await page.setViewportSize({ width: 1400, height: 1500 });
    await details(page).getByRole('heading', { level: 2, name: XI_PUTIN_MEETING }).waitFor();
    await memberList(page).getByText('Belarus').waitFor();
    await page.locator('.vis-item.vis-box.vis-selected', { hasText: 'Xi Jinping' }).waitFor();
    await page.waitForTimeout(400); // the timeline's focus animation
    await page.screenshot({ path: SCREENSHOT });
    expect(existsSync(SCREENSHOT)).toBe(true);
    expect(problems.get(page)).toEqual([]);
    await page.close();
  });
});

async function openSized(path: string, width: number, height: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height }, locale: 'en-GB', timezoneId: 'UTC' });
  const seen: string[] = [];
  problems.set(page, seen);
  page.on('pageerror', (error) => seen.push(error.message));
  await page.goto(`${baseUrl}${path}`);
  return page;
}

const overflow = (page: Page) =>
  page.evaluate<{ scrollWidth: number; innerWidth: number }>(
    '({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })',
  );

describe('the page tells what is true, on a phone and on a desktop, and keeps up', () => {
  for (const [size, width, height] of [
    ['a phone (390×844)', 390, 844],
    ['a desktop (1400×1000)', 1400, 1000],
  ] as const) {
    it(`never scrolls sideways on ${size}, whatever view is open`, async () => {
      for (const path of ['/?organization=SCO', '/?countries=CN,RU', '/?organization=NATO', `/?country=CN`]) {
        const page = await openSized(path, width, height);
        await developmentList(page).locator('.entry').first().waitFor();
        await page.locator('.vis-item').first().waitFor();
        const { scrollWidth, innerWidth } = await overflow(page);
        expect({ path, scrollWidth }).toEqual({ path, scrollWidth: Math.min(scrollWidth, innerWidth) });
        expect(problems.get(page)).toEqual([]);
        await page.close();
      }
    });
  }

  it('opens the details of a tapped entry under it on a phone, with a way back to the entry', async () => {
    const page = await openSized('/?organization=SCO', 390, 844);
    const link = developmentList(page).getByRole('link', { name: XI_PUTIN_MEETING });
    await link.waitFor();
    await page.locator('#status', { hasText: /^Showing/ }).waitFor();
    await page.locator('.vis-item').first().waitFor();
    await link.click();
    const entry = developmentList(page).locator('.entry', { has: page.getByRole('link', { name: XI_PUTIN_MEETING }) });
    await entry.locator('#details-panel .facts').waitFor();
    // The details stand right under the entry: no jump to the end of the page.
    const [linkBox, detailsBox] = await Promise.all([link.boundingBox(), details(page).boundingBox()]);
    expect(detailsBox!.y - (linkBox!.y + linkBox!.height)).toBeLessThan(1000);
    await details(page).getByRole('button', { name: 'Back to this entry in the list' }).click();
    await expect(page.evaluate<string | undefined>('document.activeElement?.textContent')).resolves.toBe(XI_PUTIN_MEETING);
    const { scrollWidth, innerWidth } = await overflow(page);
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    await page.close();
  });

  for (const [size, width, height] of [
    ['a phone', 390, 844],
    ['a desktop', 1400, 1000],
  ] as const) {
    it(`never lists an absentee as an attendee, on the relation view and in the details (${size})`, async () => {
      const page = await openSized('/?countries=CN,RU', width, height);
      const entry = developmentList(page).locator('.entry', { hasText: PEACE_SUMMIT });
      await entry.waitFor();
      await expect(entry.locator('.entry-where').textContent()).resolves.not.toMatch(/China|Russia/);
      await expect(entry.locator('.entry-absent').textContent()).resolves.toMatch(/Absent.*(China.*Russia|Russia.*China)/);
      await page.locator('#status', { hasText: /^Showing/ }).waitFor();
      // Once the timeline is drawn the list stops moving under the pointer.
      await page.locator('.vis-item').first().waitFor();
      await entry.getByRole('link', { name: PEACE_SUMMIT }).click();
      await details(page).locator('.facts').waitFor();
      const facts = await details(page).locator('.facts').innerText();
      const attended = facts.split('\n').find((line, i, lines) => lines[i - 1] === 'Attended') ?? '';
      expect(attended).toContain('Ukraine');
      expect(attended).not.toMatch(/China|Russia/);
      expect(facts).toMatch(/Absent \(did not attend\)\s+(Russia|China)/);
      await page.close();
    });
  }

  it('says "recorded members" where the record of an organization is partial, and not for NATO', async () => {
    const page = await openSized('/?organization=NATO&asOf=2024-03-07', 1400, 1000);
    await page.locator('#membership-heading', { hasText: 'Members on 7 March 2024' }).waitFor();
    await expect(memberList(page).locator('li').count()).resolves.toBe(32);
    await expect(page.locator('#coverage-note').count()).resolves.toBe(0);
    await page.goto(`${baseUrl}/?organization=EU`);
    await page.locator('#membership-heading', { hasText: /^Recorded members on/ }).waitFor();
    await expect(page.locator('#coverage-note').isVisible()).resolves.toBe(true);
    await page.close();
  });

  it('shows a development recorded over HTTP on the open page without a reload, announced politely', async () => {
    for (const [width, height] of [
      [390, 844],
      [1400, 1000],
    ] as const) {
      const page = await openSized('/?organization=SCO', width, height);
      await developmentList(page).getByRole('link', { name: XI_PUTIN_MEETING }).waitFor();
      await page.waitForTimeout(500); // the live feed is open once the view has loaded
      const title = `Live test: SCO ministers meet in Bishkek (${width})`;
      const answer = await fetch(`${baseUrl}/api/developments/summits`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ organization: 'SCO', host: 'KG', occurredOn: '2026-05-20', title, sources: [{ publisher: 'test' }] }),
      });
      expect(answer.status).toBe(201);
      await developmentList(page).getByRole('link', { name: title }).waitFor({ timeout: 15_000 });
      await expect(page.locator('#live-status').getAttribute('aria-live')).resolves.toBe('polite');
      await page.locator('#live-status', { hasText: title }).waitFor();
      await page.close();
    }
  });
});

describe('the page on a service that needs a key to read (PUBLIC_READS=false)', () => {
  const READER_KEY = 'reader-key-0123456789abcdef';
  let keyed: ChildProcess | undefined;
  let keyedOutput = '';
  let keyedDir: string;
  let keyedUrl: string;

  beforeAll(async () => {
    keyedDir = mkdtempSync(join(tmpdir(), 'annals-browser-keyed-'));
    const port = await freePort();
    keyedUrl = `http://127.0.0.1:${port}`;
    const env = serviceEnv(keyedDir, port, { API_KEYS: `reader:${READER_KEY}:read`, PUBLIC_READS: 'false' });
    keyed = spawn(process.execPath, [MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    keyed.stdout?.on('data', (chunk: Buffer) => (keyedOutput += chunk.toString()));
    keyed.stderr?.on('data', (chunk: Buffer) => (keyedOutput += chunk.toString()));
    await waitFor('the keyed service and its sample data', async () => {
      if (keyed?.exitCode !== null) throw new Error(`the keyed service exited:\n${keyedOutput}`);
      const response = await fetch(`${keyedUrl}/api/organizations/SCO/members?asOf=2024-07-05`, {
        headers: { authorization: `Bearer ${READER_KEY}` },
      });
      return response.ok ? true : undefined;
    });
  }, 120_000);

  afterAll(async () => {
    if (keyed && keyed.exitCode === null) {
      const closed = new Promise((done) => keyed!.once('close', done));
      keyed.kill('SIGTERM');
      await Promise.race([closed, new Promise((done) => setTimeout(done, 10_000))]);
      if (keyed.exitCode === null) keyed.kill('SIGKILL');
    }
    if (keyedDir) rmSync(keyedDir, { recursive: true, force: true });
  });

  it('asks for the key, reads with it, refuses a wrong one and forgets it on request', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'en-GB', timezoneId: 'UTC' });
    await page.goto(`${keyedUrl}/?organization=SCO`);
    const keyInput = page.getByLabel('API key');
    await keyInput.waitFor();
    await expect(page.locator('#status').textContent()).resolves.toContain('API key');

    await keyInput.fill('not-the-right-key-at-all');
    await page.getByRole('button', { name: 'Use key' }).click();
    await page.locator('#status', { hasText: 'not accepted' }).waitFor();

    await page.getByLabel('API key').fill(READER_KEY);
    await page.getByRole('button', { name: 'Use key' }).click();
    await developmentList(page).getByRole('link', { name: XI_PUTIN_MEETING }).waitFor();
    await expect(page.locator('#key-form').isHidden()).resolves.toBe(true);

    await page.getByRole('button', { name: 'Forget the API key' }).click();
    await page.getByLabel('API key').waitFor();
    await expect(page.locator('#development-list .entry').count()).resolves.toBe(0);
    await page.close();
  });
});
