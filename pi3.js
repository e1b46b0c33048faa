const { Archive } = require('./bench/archive-generator');
const { startService } = require('./bench/service');
const { request } = require('./bench/http-client');
const fs = require('fs');
const threads = (pid) => fs.readdirSync(`/proc/${pid}/task`).map((tid) => { const st = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'); const name = st.slice(st.indexOf('(') + 1, st.indexOf(')')); const f = st.slice(st.indexOf(')') + 2).split(' '); return { tid, name, cpu: (Number(f[11]) + Number(f[12])) / 100 }; });
(async () => {
  const dataDir = '/work/scratch/prof/data3'; fs.rmSync(dataDir, { recursive: true, force: true }); fs.mkdirSync(dataDir, { recursive: true });
  const service = await startService({ dataDir });
  const pid = service.pid || service.child?.pid;
  const lines = [...new Archive({ lines: 5000, seed: 7 }).lines()];
  const before = threads(pid);
  const t0 = performance.now();
  for (let i = 0; i < 4; i++) {
    const a = await request(service.url, 'POST', '/api/import', { body: lines.slice(i * 800, i * 800 + 800).join('\n') + '\n', contentType: 'application/x-ndjson', timeoutMs: 600000 });
    if (a.status !== 200) console.log(a.status);
  }
  const wall = (performance.now() - t0) / 1000;
  const after = threads(pid);
  console.log('wall', wall.toFixed(2), 's for 3200 lines =', (3200 / wall).toFixed(0), '/s');
  for (const t of after) { const b = before.find((x) => x.tid === t.tid); const d = t.cpu - (b ? b.cpu : 0); if (d > 0.05) console.log(t.name, t.tid, d.toFixed(2), 's cpu'); }
  await service.stop();
})();
