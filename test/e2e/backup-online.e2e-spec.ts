import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildApp } from '../support/child-app';

const CLI = join(__dirname, '..', '..', 'dist', 'apps', 'api', 'src', 'cli.js');

function annals(dataDir: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, DATA_DIR: dataDir, SAMPLE_DATA: 'false', LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const meeting = (writer: number, n: number) => ({
  occurredOn: '2024-07-03',
  title: `Writer ${writer}, meeting ${n}`,
  participants: [
    { name: `A ${writer}`, country: 'CN' },
    { name: `B ${n}`, country: 'RU' },
  ],
});

describe('annals backup DIR: an online backup of the embedded store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'annals-backup-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('copies, under eight concurrent writers, every acknowledged write; the copy serves them and verifies', async () => {
    const live = join(dir, 'live');
    const backup = join(dir, 'backup');
    const service = await startChildApp({ DATA_DIR: live });
    const acknowledged: Array<{ id: string; at: number }> = [];
    let writing = true;
    const writers = Array.from({ length: 8 }, async (_, writer) => {
      for (let n = 0; writing; n++) {
        const answer = await fetch(`${service.url}/api/developments/meetings`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(meeting(writer, n)),
        });
        if (answer.status === 201)
          acknowledged.push({ id: ((await answer.json()) as { developmentId: string }).developmentId, at: Date.now() });
      }
    });
    let started = 0;
    try {
      while (acknowledged.length < 400) await new Promise((resolve) => setTimeout(resolve, 20));
      started = Date.now();
      const beforeBackup = acknowledged.length;
      const result = await annals(live, ['backup', backup]);
      expect({ status: result.status, stderr: result.stderr }).toEqual({
        status: 0,
        stderr: expect.stringContaining('events up to position'),
      });
      // The writers kept going during the backup: it did not stop them.
      expect(acknowledged.length).toBeGreaterThan(beforeBackup);
    } finally {
      writing = false;
      await Promise.all(writers);
      await service.kill9();
    }
    const expected = acknowledged.filter((write) => write.at < started).map((write) => write.id);
    expect(expected.length).toBeGreaterThanOrEqual(400);

    const restored = await startChildApp({ DATA_DIR: backup });
    try {
      const missing: string[] = [];
      for (const id of expected) {
        const answer = await fetch(`${restored.url}/api/developments/${id}`);
        if (answer.status !== 200) missing.push(id);
      }
      expect(missing).toEqual([]);
    } finally {
      await restored.stop();
    }
    const verified = await annals(backup, ['verify']);
    expect({ status: verified.status, stdout: verified.stdout }).toEqual({
      status: 0,
      stdout: expect.stringMatching(/^ok\s+developments/m),
    });
  }, 180_000);

  it('refuses a directory that is not empty, and a store that is not embedded', async () => {
    const taken = join(dir, 'taken');
    mkdirSync(taken);
    writeFileSync(join(taken, 'something'), 'x');
    const live = join(dir, 'live');
    const refused = await annals(live, ['backup', taken]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/must be an empty directory/);
  }, 60_000);
});
