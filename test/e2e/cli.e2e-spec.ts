import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildApp } from '../support/child-app';

const CLI = join(__dirname, '..', '..', 'dist', 'apps', 'api', 'src', 'cli.js');
const KEYS = 'ops:admin-key-0123456789abcdef:admin,clerk:write-key-0123456789abcdef:write';

describe('the annals command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'annals-cli-'));
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [CLI, ...args], {
      env: { ...process.env, DATA_DIR: dir, SAMPLE_DATA: 'false', LOG_LEVEL: 'silent', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
  /** Like `run`, without blocking the event loop (a service of this test answers meanwhile). */
  const runAsync = (args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        env: { ...process.env, DATA_DIR: dir, SAMPLE_DATA: 'false', LOG_LEVEL: 'silent' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports an NDJSON file, exports the log as NDJSON, and verifies the views against a rebuild', () => {
    const file = join(dir, 'in.ndjson');
    writeFileSync(
      file,
      [
        JSON.stringify({
          kind: 'meeting',
          occurredOn: '2024-07-03',
          title: 'Xi and Putin meet in Astana',
          participants: [
            { name: 'Xi Jinping', country: 'CN' },
            { name: 'Vladimir Putin', country: 'RU' },
          ],
        }),
        JSON.stringify({
          kind: 'membership-approval',
          organization: 'SCO',
          country: 'BY',
          occurredOn: '2024-07-04',
          title: 'Belarus joins the SCO',
        }),
        JSON.stringify({ kind: 'summit', organization: 'NOPE', host: 'KZ', occurredOn: '2024-07-04', title: 'refused' }),
      ].join('\n'),
    );
    const imported = run(['import', file]);
    expect(JSON.parse(imported.stdout)).toMatchObject({ accepted: 2, rejected: [{ line: 3, code: 'UNKNOWN_ORGANIZATION' }] });
    expect(imported.status).toBe(1);
    const exported = run(['export']);
    expect(exported.status).toBe(0);
    const types = exported.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { type: string }).type);
    expect(types.filter((t) => t !== 'OrganizationRegistered')).toEqual(['MeetingHeld', 'MembershipApproved']);
    const verified = run(['verify']);
    expect(verified.status).toBe(0);
    expect(verified.stdout).toMatch(/^ok\s+developments/m);
  });

  it('asks for a key of the right scope when API_KEYS is configured', () => {
    expect(run(['export'], { API_KEYS: KEYS }).status).toBe(3);
    expect(run(['export'], { API_KEYS: KEYS, ANNALS_KEY: 'write-key-0123456789abcdef' }).status).toBe(3);
    expect(run(['export'], { API_KEYS: KEYS, ANNALS_KEY: 'admin-key-0123456789abcdef' }).status).toBe(0);
  });

  it('refuses to rebuild or verify views that a running service writes, and rebuilds them once it is stopped', async () => {
    const service = await startChildApp({ DATA_DIR: dir });
    try {
      for (const command of ['rebuild', 'verify']) {
        const refused = await runAsync([command]);
        expect({ command, status: refused.status }).toEqual({ command, status: 4 });
        expect(refused.stderr).toContain('a running Annals service writes these views');
      }
    } finally {
      await service.stop();
    }
    const rebuilt = run(['rebuild']);
    expect(rebuilt.status).toBe(0);
    expect(rebuilt.stdout).toMatch(/^developments\tposition \d+\tdigest [0-9a-f]{64}$/m);
  }, 60_000);

  it('answers an unknown command with its usage and exit code 2', () => {
    const answer = run(['bogus']);
    expect(answer.status).toBe(2);
    expect(answer.stderr).toContain('usage: annals');
  });
});
