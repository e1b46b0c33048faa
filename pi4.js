const { Archive } = require('./bench/archive-generator');
const { startService } = require('./bench/service');
const { request } = require('./bench/http-client');
const fs = require('fs'); const { spawn } = require('child_process');
(async () => {
  const dataDir = '/work/scratch/prof/data4'; fs.rmSync(dataDir, { recursive: true, force: true }); fs.mkdirSync(dataDir, { recursive: true });
  const service = await startService({ dataDir });
  const lines = [...new Archive({ lines: 5000, seed: 7 }).lines()];
  const st = spawn('strace', ['-c', '-w', '-p', String(service.pid), '-o', '/tmp/strace.txt']);
  await new Promise((r) => setTimeout(r, 500));
  const t0 = performance.now();
  for (let i = 0; i < 3; i++) await request(service.url, 'POST', '/api/import', { body: lines.slice(i * 800, i * 800 + 800).join('\n') + '\n', contentType: 'application/x-ndjson', timeoutMs: 600000 });
  console.log('wall', ((performance.now() - t0) / 1000).toFixed(2));
  st.kill('SIGINT'); await new Promise((r) => setTimeout(r, 1000));
  await service.stop();
})();
