import { existsSync, promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { Controller, Get, Logger, Module, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequireScope } from '../access/require-scope.decorator';
import { ProblemException } from '../http/problem';
import { KindsController } from './kinds.controller';

const gzipAsync = promisify(gzip);

/** The page may load and talk to this origin only: no inline script or style, no framing, no external network. */
export const PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': PAGE_CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** Our own files change with every deploy and carry no fingerprint: revalidate (cheap, ETag → 304). */
const REVALIDATE = 'no-cache';
/** The vendored library changes only with package.json. */
const VENDOR_CACHE = 'public, max-age=86400';

const PUBLIC_SEGMENTS = ['apps', 'api', 'src', 'web', 'public'];
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*\.(html|js|css|svg|png|ico|json|map|txt)$/;
const VIS_SCRIPT = /^vis-timeline-graph2d(\.min)?\.js(\.map)?$/;
const VIS_STYLE = /^vis-timeline-graph2d(\.min)?\.css(\.map)?$/;

/**
 * Where the page's static files are. tsc copies no non-TS files into `dist/`, so from `dist/apps/api/src/web`
 * walk up until a folder holding `apps/api/src/web/public` appears (the repository root); a `public` folder
 * beside this file (the source tree, or a dist/ the Docker build mirrored assets into) wins.
 */
export function findPublicDir(start: string = __dirname): string {
  const beside = join(start, 'public');
  if (existsSync(join(beside, 'index.html'))) return beside;
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const candidate = join(dir, ...PUBLIC_SEGMENTS);
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error(`The web page's files (apps/api/src/web/public) were not found above ${start}`);
}

/** The installed vis-timeline package folder (its standalone UMD build and its stylesheet are served to the page). */
export function findVisTimelineDir(start: string = __dirname): string {
  try {
    return dirname(require.resolve('vis-timeline/package.json', { paths: [start, process.cwd()] }));
  } catch {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', 'vis-timeline');
      if (existsSync(join(candidate, 'package.json'))) return candidate;
      if (dirname(dir) === dir) break;
    }
  }
  throw new Error('vis-timeline is not installed (npm install)');
}

interface CachedFile {
  readonly key: string;
  readonly etag: string;
  readonly body: Buffer;
  gzipped?: Promise<Buffer>;
}

/** Reads files once per (size, mtime), keeps them (and their gzip) in memory: the page is a handful of small files. */
class FileCache {
  private readonly files = new Map<string, CachedFile>();

  async get(path: string): Promise<CachedFile | undefined> {
    const stat = await fs.stat(path).catch(() => undefined);
    if (!stat?.isFile()) return undefined;
    const key = `${stat.size}-${stat.mtimeMs}`;
    const cached = this.files.get(path);
    if (cached?.key === key) return cached;
    const body = await fs.readFile(path);
    const file: CachedFile = { key, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    this.files.set(path, file);
    return file;
  }
}

const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.map', '.txt']);

/**
 * Serves the timeline page at `/`, its files at `/assets/*` and vis-timeline at `/vendor/vis-timeline/*`.
 * Never needs a key; not rate-limited (a handful of small files from memory — the API calls the page makes are).
 */
@ApiExcludeController()
@RequireScope('public')
@SkipThrottle()
@Controller()
export class WebController {
  private readonly logger = new Logger(WebController.name);
  private readonly cache = new FileCache();
  private folders?: { readonly publicDir: string; readonly visDir: string };

  /** Found on first use: a missing page must not keep the API from starting; it answers 404 instead. */
  private get dirs(): { readonly publicDir: string; readonly visDir: string } {
    try {
      this.folders ??= { publicDir: findPublicDir(), visDir: findVisTimelineDir() };
    } catch (error) {
      this.logger.error(error instanceof Error ? error.message : String(error));
      throw new ProblemException('NOT_FOUND', 'The web page is not installed on this server');
    }
    return this.folders;
  }

  @Get()
  page(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.send(request, reply, join(this.dirs.publicDir, 'index.html'), REVALIDATE);
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    if (!ASSET_NAME.test(file)) throw notFound();
    const { publicDir } = this.dirs;
    const path = resolve(publicDir, file);
    if (!path.startsWith(publicDir + sep)) throw notFound();
    return this.send(request, reply, path, REVALIDATE);
  }

  @Get('vendor/vis-timeline/:file')
  vendor(@Param('file') file: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    if (VIS_SCRIPT.test(file)) return this.send(request, reply, join(this.dirs.visDir, 'standalone', 'umd', file), VENDOR_CACHE);
    if (VIS_STYLE.test(file)) return this.send(request, reply, join(this.dirs.visDir, 'styles', file), VENDOR_CACHE);
    throw notFound();
  }

  private async send(request: FastifyRequest, reply: FastifyReply, path: string, cacheControl: string): Promise<void> {
    const file = await this.cache.get(path);
    if (!file) throw notFound();
    const extension = extname(path);
    const compressible = COMPRESSIBLE.has(extension) && file.body.length > 1024;
    void reply.headers({ ...SECURITY_HEADERS, 'cache-control': cacheControl, etag: file.etag });
    if (compressible) void reply.header('vary', 'accept-encoding');
    if (matches(request.headers['if-none-match'], file.etag)) {
      await reply.status(304).send();
      return;
    }
    void reply.type(CONTENT_TYPES[extension] ?? 'application/octet-stream');
    const acceptsGzip = /\bgzip\b/i.test(String(request.headers['accept-encoding'] ?? ''));
    if (compressible && acceptsGzip) {
      file.gzipped ??= gzipAsync(file.body, { level: 9 });
      await reply.header('content-encoding', 'gzip').send(await file.gzipped);
      return;
    }
    await reply.send(file.body);
  }
}

function matches(header: string | string[] | undefined, etag: string): boolean {
  if (!header) return false;
  const tags = (Array.isArray(header) ? header.join(',') : header).split(',').map((tag) => tag.trim().replace(/^W\//, ''));
  return tags.includes(etag) || tags.includes('*');
}

const notFound = () => new ProblemException('NOT_FOUND', 'No such file');

/** The timeline page (`GET /`) with its assets, and the catalogue of kinds it reads. Import it into the application module. */
@Module({ controllers: [WebController, KindsController] })
export class WebModule {}
