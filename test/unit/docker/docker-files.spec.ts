/**
 * Static checks of the deployment files in docker/. No Docker engine runs where the tests run, so
 * these assert what a deployer relies on by reading the files: which services exist, how they are
 * wired together, and what the API image is built from and runs as.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const root = resolve(__dirname, '../../..');
const dockerDir = join(root, 'docker');

type Healthcheck = { test?: string | string[]; disable?: boolean };
type DependsOn = string[] | Record<string, { condition?: string }>;
type Service = {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: DependsOn;
  healthcheck?: Healthcheck;
  volumes?: Array<string | { type?: string; source?: string; target?: string; read_only?: boolean }>;
  networks?: string[] | Record<string, { ipv4_address?: string } | null>;
  ports?: string[];
  user?: string;
  command?: string | string[];
};
type Compose = {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  networks?: Record<string, unknown>;
};

function readText(file: string): string {
  return readFileSync(join(dockerDir, file), 'utf8');
}

function loadCompose(file: string): Compose {
  // Compose resolves YAML merge keys (`<<: *anchor`); so must we.
  return parse(readText(file), { merge: true }) as Compose;
}

function env(service: Service): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(service.environment)) {
    for (const entry of service.environment) {
      const at = entry.indexOf('=');
      if (at > 0) out[entry.slice(0, at)] = entry.slice(at + 1);
    }
  } else {
    for (const [key, value] of Object.entries(service.environment ?? {})) out[key] = value == null ? '' : String(value);
  }
  return out;
}

function dependencies(service: Service): Record<string, string | undefined> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, undefined]));
  return Object.fromEntries(Object.entries(deps).map(([name, spec]) => [name, spec?.condition]));
}

function healthcheckCommand(service: Service): string {
  const test = service.healthcheck?.test;
  return Array.isArray(test) ? test.join(' ') : (test ?? '');
}

function hasHealthcheck(service: Service): boolean {
  const test = service.healthcheck?.test;
  if (service.healthcheck?.disable || test === undefined) return false;
  return !(Array.isArray(test) && test[0] === 'NONE');
}

/** Mounts of a service as [source, target, readOnly]. */
function mounts(service: Service): Array<{ source: string; target: string; readOnly: boolean }> {
  return (service.volumes ?? []).map((volume) => {
    if (typeof volume === 'string') {
      const [source = '', target = '', mode = ''] = volume.split(':');
      return { source, target, readOnly: mode.split(',').includes('ro') };
    }
    return { source: volume.source ?? '', target: volume.target ?? '', readOnly: volume.read_only === true };
  });
}

/** The named volume (or host path) mounted at the directory containing `file`, if any. */
function mountHolding(service: Service, file: string) {
  return mounts(service)
    .filter((m) => file === m.target || file.startsWith(m.target.replace(/\/$/, '') + '/'))
    .sort((a, b) => b.target.length - a.target.length)[0];
}

/** Every compose file must be internally consistent in these ways. */
function expectWellFormed(compose: Compose): void {
  const names = Object.keys(compose.services);
  for (const [name, service] of Object.entries(compose.services)) {
    for (const [dependency, condition] of Object.entries(dependencies(service))) {
      expect({ service: name, dependsOnExisting: names.includes(dependency) }).toEqual({
        service: name,
        dependsOnExisting: true,
      });
      if (condition === 'service_healthy') {
        expect({ dependency, hasHealthcheck: hasHealthcheck(compose.services[dependency]!) }).toEqual({
          dependency,
          hasHealthcheck: true,
        });
      }
    }
    for (const { source } of mounts(service)) {
      const isNamedVolume = source !== '' && !source.startsWith('.') && !source.startsWith('/');
      if (isNamedVolume) expect(Object.keys(compose.volumes ?? {})).toContain(source);
    }
  }
}

function environmentKeysOf(compose: Compose): string[] {
  return Object.values(compose.services).flatMap((service) => Object.keys(env(service)));
}

/** A minimal Dockerfile reader: continuation lines joined, comments dropped, split into stages. */
type Instruction = { keyword: string; args: string };
function readDockerfile(): { stages: Array<{ from: string; name?: string; instructions: Instruction[] }> } {
  const logical = readText('Dockerfile')
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const args: Record<string, string> = {};
  const stages: Array<{ from: string; name?: string; instructions: Instruction[] }> = [];
  for (const line of logical) {
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const upper = keyword.toUpperCase();
    if (upper === 'ARG' && stages.length === 0) {
      const [name, value = ''] = rest.split('=');
      args[name!] = value;
      continue;
    }
    if (upper === 'FROM') {
      const [image = '', , name] = rest.split(/\s+/);
      const from = image.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string, b: string) => args[a ?? b] ?? '');
      stages.push({ from, name, instructions: [] });
      continue;
    }
    stages[stages.length - 1]?.instructions.push({ keyword: upper, args: rest });
  }
  return { stages };
}

describe('docker/compose.yaml (single KurrentDB node)', () => {
  const compose = loadCompose('compose.yaml');
  const { services } = compose;

  it('compose runs two API replicas against KurrentDB and PostgreSQL', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['kurrentdb', 'postgres', 'api-1', 'api-2']));
    expect(services.kurrentdb!.image).toMatch(/^docker\.kurrent\.io\/kurrent-latest\/kurrentdb(:|$)/);
    expect(services.postgres!.image).toMatch(/^postgres:16(\b|-)/);
    for (const name of ['api-1', 'api-2']) {
      const vars = env(services[name]!);
      expect(vars).toMatchObject({ EVENT_STORE: 'kurrentdb', READ_STORE: 'postgres', SAMPLE_DATA: 'false' });
      const eventStore = new URL(vars.KURRENTDB_URL!);
      expect(eventStore.protocol).toBe('kurrentdb:');
      expect(eventStore.host).toBe('kurrentdb:2113');
      expect(eventStore.searchParams.get('tls')).toBe('false');
      expect(vars.DATABASE_URL).toMatch(/^postgres(ql)?:\/\/annals:[^@]+@postgres:5432\/annals$/);
    }
  });

  it('the two API replicas are built from docker/Dockerfile with the repository root as context', () => {
    for (const name of ['api-1', 'api-2']) {
      const build = services[name]!.build;
      expect(build).toEqual({ context: '..', dockerfile: 'docker/Dockerfile' });
      const context = resolve(dockerDir, '..');
      expect(existsSync(join(context, 'docker/Dockerfile'))).toBe(true);
      expect(existsSync(join(context, 'package-lock.json'))).toBe(true);
    }
  });

  it('refuses to start without API keys, and without a database password', () => {
    for (const name of ['api-1', 'api-2']) {
      const vars = env(services[name]!);
      expect(vars.API_KEYS).toMatch(/^\$\{ANNALS_API_KEYS:\?[^}]+\}$/);
      expect(vars.DATABASE_URL).toMatch(/\$\{\w+:\?[^}]+\}/);
    }
  });

  it('runs KurrentDB as an insecure single node with projections, and persists its data', () => {
    const vars = env(services.kurrentdb!);
    expect(vars).toMatchObject({
      KURRENTDB_INSECURE: 'true',
      KURRENTDB_CLUSTER_SIZE: '1',
      KURRENTDB_RUN_PROJECTIONS: 'All',
      KURRENTDB_START_STANDARD_PROJECTIONS: 'true',
    });
    expect(mounts(services.kurrentdb!).map((m) => m.target)).toContain('/var/lib/kurrentdb');
    expect(mounts(services.postgres!).map((m) => m.target)).toContain('/var/lib/postgresql/data');
    // Insecure means unauthenticated: never published beyond the host's loopback interface.
    for (const port of services.kurrentdb!.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
  });

  it('starts the API only once KurrentDB and PostgreSQL report healthy', () => {
    expect(healthcheckCommand(services.kurrentdb!)).toContain('/health/live');
    expect(healthcheckCommand(services.postgres!)).toContain('pg_isready');
    for (const name of ['api-1', 'api-2']) {
      expect(dependencies(services[name]!)).toMatchObject({
        kurrentdb: 'service_healthy',
        postgres: 'service_healthy',
      });
      expect(healthcheckCommand(services[name]!)).toContain('/health/ready');
    }
  });

  it('balances requests over both replicas when the nginx load balancer is used', () => {
    const lb = services.lb;
    if (!lb) return;
    expect(lb.image).toBe('nginx:1.27-alpine');
    expect(mounts(lb)).toContainEqual({
      source: './nginx.conf',
      target: '/etc/nginx/conf.d/default.conf',
      readOnly: true,
    });
    const upstreams = [...readText('nginx.conf').matchAll(/^\s*server\s+([\w.-]+:\d+)/gm)].map((m) => m[1]);
    expect(upstreams).toEqual(['api-1:3000', 'api-2:3000']);
    expect(dependencies(lb)).toMatchObject({ 'api-1': 'service_healthy', 'api-2': 'service_healthy' });
  });

  it('is internally consistent and uses no deprecated EVENTSTORE_* settings', () => {
    expectWellFormed(compose);
    expect(environmentKeysOf(compose).filter((key) => key.startsWith('EVENTSTORE_'))).toEqual([]);
    expect(readText('compose.yaml')).not.toMatch(/EVENTSTORE_/);
  });
});

describe('docker/compose.cluster.yaml (three KurrentDB nodes)', () => {
  const compose = loadCompose('compose.cluster.yaml');
  const { services } = compose;
  const nodes = ['node1', 'node2', 'node3'] as const;
  const addressOf = (node: string): string => {
    const networks = services[node]!.networks;
    const attachments = Array.isArray(networks) ? [] : Object.values(networks ?? {});
    const address = attachments.find((a) => a?.ipv4_address)?.ipv4_address;
    if (!address) throw new Error(`${node} has no fixed address`);
    return address;
  };

  it('runs a three-node KurrentDB cluster, PostgreSQL and two API replicas', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['cert-gen', ...nodes, 'postgres', 'api-1', 'api-2']));
    for (const node of nodes) {
      expect(services[node]!.image).toMatch(/^docker\.kurrent\.io\/kurrent-latest\/kurrentdb(:|$)/);
      expect(env(services[node]!)).toMatchObject({
        KURRENTDB_CLUSTER_SIZE: '3',
        KURRENTDB_DISCOVER_VIA_DNS: 'false',
      });
      expect(env(services[node]!).KURRENTDB_INSECURE).not.toBe('true');
      expect(mounts(services[node]!).map((m) => m.target)).toContain('/var/lib/kurrentdb');
    }
    const dataVolumes = nodes.map((node) => mountHolding(services[node]!, '/var/lib/kurrentdb/chunk')!.source);
    expect(new Set(dataVolumes).size).toBe(3);
  });

  it('seeds every node’s gossip with the other two nodes', () => {
    const nodeAt = (seed: string) =>
      nodes.find((node) => seed === `${addressOf(node)}:2113` || seed === `${node}:2113`) ?? `unknown seed ${seed}`;
    for (const node of nodes) {
      const seeds = env(services[node]!)
        .KURRENTDB_GOSSIP_SEED!.split(',')
        .map((seed) => seed.trim());
      expect(seeds.map(nodeAt).sort()).toEqual(nodes.filter((other) => other !== node));
    }
  });

  it('gives each node a fixed replication address and advertises its name to clients', () => {
    const addresses = nodes.map(addressOf);
    expect(new Set(addresses).size).toBe(3);
    for (const node of nodes) {
      const vars = env(services[node]!);
      expect(vars.KURRENTDB_REPLICATION_IP).toBe(addressOf(node));
      expect(vars.KURRENTDB_ADVERTISE_HOST_TO_CLIENT_AS).toBe(node);
    }
  });

  it('secures the nodes with certificates generated once by es-gencert-cli', () => {
    const certGen = services['cert-gen']!;
    expect(certGen.image).toMatch(/^eventstore\/es-gencert-cli(:|$)/);
    const script = Array.isArray(certGen.command) ? certGen.command.join('\n') : (certGen.command ?? '');
    expect(script).toContain('es-gencert-cli create-ca');
    expect(script).toContain('es-gencert-cli create-node');
    // Each node's certificate carries its name and its fixed address as SANs.
    expect(script).toMatch(/-dns-names\s+"?[^"\s]*\$\$1/);
    expect(script).toMatch(/-ip-addresses\s+"?[^"\s]*\$\$2/);
    for (const node of nodes) expect(script).toMatch(new RegExp(`node_cert ${node} ${addressOf(node).replace(/\./g, '\\.')}\\b`));

    for (const node of nodes) {
      const service = services[node]!;
      const vars = env(service);
      expect(dependencies(service)['cert-gen']).toBe('service_completed_successfully');
      expect(vars.KURRENTDB_CERTIFICATE_FILE).toMatch(new RegExp(`/${node}/node\\.crt$`));
      expect(vars.KURRENTDB_CERTIFICATE_PRIVATE_KEY_FILE).toMatch(new RegExp(`/${node}/node\\.key$`));
      // Every configured path lies in a volume that cert-gen writes.
      for (const file of [
        vars.KURRENTDB_CERTIFICATE_FILE!,
        vars.KURRENTDB_CERTIFICATE_PRIVATE_KEY_FILE!,
        `${vars.KURRENTDB_TRUSTED_ROOT_CERTIFICATES_PATH!}/ca.crt`,
      ]) {
        const mount = mountHolding(service, file);
        expect({ node, file, mounted: mount !== undefined }).toEqual({ node, file, mounted: true });
        expect(mounts(certGen).map((m) => m.source)).toContain(mount!.source);
      }
    }
  });

  it('connects the API replicas to all three nodes over TLS, trusting the generated CA only', () => {
    const certGen = services['cert-gen']!;
    const certGenVolumes = mounts(certGen);
    const script = ([] as string[]).concat(certGen.command ?? []).join('\n');
    const workDir = /^\s*cd\s+(\S+)/m.exec(script)?.[1] ?? '/';
    const caOut = /create-ca\s+-out\s+"?([^"\s]+)/.exec(script)?.[1] ?? '';
    const caKeyVolume = mountHolding(certGen, `${caOut.startsWith('/') ? caOut : `${workDir}/${caOut}`}/ca.key`);
    for (const name of ['api-1', 'api-2']) {
      const service = services[name]!;
      const vars = env(service);
      expect(vars).toMatchObject({ EVENT_STORE: 'kurrentdb', READ_STORE: 'postgres', SAMPLE_DATA: 'false' });
      expect(vars.API_KEYS).toMatch(/^\$\{ANNALS_API_KEYS:\?[^}]+\}$/);
      expect(vars.DATABASE_URL).toMatch(/^postgres(ql)?:\/\/annals:[^@]+@postgres:5432\/annals$/);

      const url = vars.KURRENTDB_URL!;
      const [, hosts = '', query = ''] = /^kurrentdb:\/\/(?:[^@/]+@)?([^?/]+)\/?\?(.*)$/.exec(url) ?? [];
      expect(hosts.split(',')).toEqual(['node1:2113', 'node2:2113', 'node3:2113']);
      const params = new URLSearchParams(query);
      expect(params.get('tls')).toBe('true');
      const caFile = params.get('tlsCAFile')!;
      expect(caFile).toBe('/certs/ca/ca.crt');

      const caMount = mountHolding(service, caFile);
      expect(caMount).toBeDefined();
      expect(caMount!.readOnly).toBe(true);
      // The API gets the volume cert-gen copies the CA certificate into, never the one
      // where create-ca writes the CA's private key.
      expect(certGenVolumes.map((m) => m.source)).toContain(caMount!.source);
      expect(caKeyVolume).toBeDefined();
      expect(caMount!.source).not.toBe(caKeyVolume!.source);
    }
  });

  it('starts the API only once every node and PostgreSQL report healthy', () => {
    for (const node of nodes) expect(healthcheckCommand(services[node]!)).toContain('/health/live');
    expect(healthcheckCommand(services.postgres!)).toContain('pg_isready');
    for (const name of ['api-1', 'api-2']) {
      expect(dependencies(services[name]!)).toMatchObject({
        node1: 'service_healthy',
        node2: 'service_healthy',
        node3: 'service_healthy',
        postgres: 'service_healthy',
      });
      expect(healthcheckCommand(services[name]!)).toContain('/health/ready');
    }
  });

  it('is internally consistent and uses no deprecated EVENTSTORE_* settings', () => {
    expectWellFormed(compose);
    expect(environmentKeysOf(compose).filter((key) => key.startsWith('EVENTSTORE_'))).toEqual([]);
    expect(readText('compose.cluster.yaml')).not.toMatch(/EVENTSTORE_/);
  });
});

describe('docker/Dockerfile (API image)', () => {
  const { stages } = readDockerfile();
  const runtime = stages[stages.length - 1]!;
  const build = stages.find((stage) => stage.name === 'build') ?? stages[0]!;
  const all = (stage: typeof runtime, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

  it('builds and runs on Debian (glibc) Node 24 LTS, never on alpine/musl', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) {
      expect(stage.from).toMatch(/^node:24[\w.-]*-(bookworm|trixie)(-slim)?$/);
      expect(stage.from).not.toMatch(/alpine|musl/);
    }
    expect(runtime.from).toBe('node:24-bookworm-slim');
  });

  it("runs a Node major that package.json's engines accept", () => {
    const { engines } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
    const minimum = Number(/^>=(\d+)/.exec(engines.node)?.[1]);
    expect(minimum).toBeGreaterThanOrEqual(22);
    expect(Number(/^node:(\d+)/.exec(runtime.from)?.[1])).toBeGreaterThanOrEqual(minimum);
  });

  it('compiles in a build stage with native toolchain and ships only production dependencies', () => {
    const runs = all(build, 'RUN').join('\n');
    for (const tool of ['python3', 'make', 'g++']) expect(runs).toContain(tool);
    expect(runs).toMatch(/\bnpm ci\b/);
    expect(runs).toMatch(/\bnpm run build\b/);
    expect(runs).toMatch(/\bnpm prune --omit=dev\b/);
    expect(runs.indexOf('npm run build')).toBeLessThan(runs.indexOf('npm prune'));
    const copies = all(runtime, 'COPY').join('\n');
    expect(copies).toMatch(/--from=build\b.*\/app\/node_modules/);
    expect(copies).toMatch(/--from=build\b.*\/app\/dist/);
  });

  it('runs as a non-root user with production settings and a data volume', () => {
    const users = all(runtime, 'USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).not.toMatch(/^(root|0)(:|$)/);
    const envs = Object.fromEntries(
      all(runtime, 'ENV')
        .flatMap((args) => args.split(/\s+/))
        .map((pair) => pair.split('=') as [string, string]),
    );
    expect(envs).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0', DATA_DIR: '/data' });
    expect(all(runtime, 'VOLUME').join(' ')).toContain('/data');
    expect(all(runtime, 'EXPOSE').join(' ')).toMatch(/\b3000\b/);
  });

  it('reports readiness with a HEALTHCHECK on /health/ready and starts the compiled API', () => {
    const healthchecks = all(runtime, 'HEALTHCHECK');
    expect(healthchecks).toHaveLength(1);
    expect(healthchecks[0]).toContain('/health/ready');
    expect(healthchecks[0]).toContain('fetch(');
    const cmds = all(runtime, 'CMD');
    expect(cmds).toHaveLength(1);
    expect(JSON.parse(cmds[0]!)).toEqual(['node', 'dist/apps/api/src/main.js']);
    expect(existsSync(join(root, 'tsconfig.build.json'))).toBe(true);
  });
});
