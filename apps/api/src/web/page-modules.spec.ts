import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const WEB = __dirname;
const PUBLIC = join(WEB, 'public');
const modules = readdirSync(PUBLIC).filter((name) => name.endsWith('.js'));
const importsOf = (name: string) =>
  [...readFileSync(join(PUBLIC, name), 'utf8').matchAll(/^import\s[^;]*?from\s+'\.\/([\w.-]+\.js)';/gms)].map((match) => match[1]!);

/** The page is native ES modules served as they are: the checks a bundler or a compiler would make are made here. */
describe('the page as typed modules', () => {
  it('type-checks against the DOM, the OpenAPI answer types and vis-timeline (apps/api/src/web/tsconfig.json)', () => {
    const configPath = join(WEB, 'tsconfig.json');
    const { config } = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
    const parsed = ts.parseJsonConfigFileContent(config, ts.sys, WEB);
    expect(parsed.fileNames.map((file) => file.split('/').pop()).sort()).toEqual([...modules].sort());
    const program = ts.createProgram(parsed.fileNames, parsed.options);
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((diagnostic) =>
        ts.formatDiagnostic(diagnostic, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => WEB, getNewLine: () => '\n' }),
      );
    expect(problems).toEqual([]);
  }, 60_000);

  it('checks every module, and the page loads them all from app.js, each preloaded', () => {
    for (const name of modules)
      expect({ name, checked: readFileSync(join(PUBLIC, name), 'utf8').startsWith('// @ts-check\n') }).toEqual({ name, checked: true });
    const reached = new Set<string>();
    const visit = (name: string) => {
      if (reached.has(name)) return;
      reached.add(name);
      expect(modules).toContain(name);
      importsOf(name).forEach(visit);
    };
    visit('app.js');
    expect([...reached].sort()).toEqual([...modules].sort());
    const html = readFileSync(join(PUBLIC, 'index.html'), 'utf8');
    const preloaded = [...html.matchAll(/<link rel="modulepreload" href="\/assets\/([\w.-]+\.js)"/g)].map((match) => match[1]);
    expect(preloaded.sort()).toEqual([...modules].sort());
  });

  it('keeps no hand-typed copy of the kinds, their labels or their event types', () => {
    const source = modules.map((name) => readFileSync(join(PUBLIC, name), 'utf8')).join('\n');
    for (const copied of [
      'MeetingHeld',
      'MembershipApproved',
      'PresidencyHandedOver',
      "'Membership ended'",
      "'Peace summit'",
      'DevelopmentCorrected',
    ])
      expect({ copied, found: source.includes(copied) }).toEqual({ copied, found: false });
  });
});
