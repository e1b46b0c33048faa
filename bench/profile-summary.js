'use strict';
/**
 * Summarizes a V8 .cpuprofile (node --cpu-prof): self time by function and by file/package, and the inclusive
 * time of functions whose name or file matches a filter.
 *
 *   node bench/profile-summary.js <file.cpuprofile> [--top=30] [--match=regex]
 */
const fs = require('node:fs');

function load(file) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) || 0) + (deltas[i] || 0));
  }
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children || []) parent.set(child, node.id);
  return { profile, byId, self, parent, total: deltas.reduce((a, b) => a + b, 0) };
}

const where = (frame) => {
  const url = (frame.url || '').replace(/^file:\/\//, '');
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const distAt = url.indexOf('/dist/');
  if (distAt >= 0) return url.slice(distAt + 1);
  if (url.startsWith('node:') || !url) return url || '(native)';
  return url.replace(/^.*\/work\/main\//, '');
};

function main() {
  const [file, ...rest] = process.argv.slice(2);
  const top = Number((rest.find((a) => a.startsWith('--top=')) || '--top=30').slice(6));
  const match = rest.find((a) => a.startsWith('--match='));
  const { byId, self, parent, total } = load(file);
  const fnSelf = new Map();
  const fileSelf = new Map();
  for (const [id, time] of self) {
    const frame = byId.get(id).callFrame;
    const key = `${frame.functionName || '(anonymous)'}  ${where(frame)}:${frame.lineNumber + 1}`;
    fnSelf.set(key, (fnSelf.get(key) || 0) + time);
    const f = where(frame);
    fileSelf.set(f, (fileSelf.get(f) || 0) + time);
  }
  const pct = (t) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
  console.log(`total sampled: ${(total / 1000).toFixed(0)} ms`);
  console.log('\nself time by file/package:');
  for (const [key, t] of [...fileSelf].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(t)}  ${key}`);
  console.log('\nself time by function:');
  for (const [key, t] of [...fnSelf].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(t)}  ${key}`);
  if (match) {
    const re = new RegExp(match.slice(8));
    // Inclusive time: every sample counted once per matching function on its stack.
    const inclusive = new Map();
    for (const [id, time] of self) {
      const seen = new Set();
      for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
        const frame = byId.get(cur).callFrame;
        const key = `${frame.functionName || '(anonymous)'}  ${where(frame)}:${frame.lineNumber + 1}`;
        if (!seen.has(key) && re.test(key)) {
          seen.add(key);
          inclusive.set(key, (inclusive.get(key) || 0) + time);
        }
      }
    }
    console.log(`\ninclusive time of functions matching ${re}:`);
    for (const [key, t] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(t)}  ${key}`);
  }
}

main();
