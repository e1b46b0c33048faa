import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';

/** What the service answers with: the web page sets its own Content-Security-Policy, /docs needs inline assets. */
export const SECURITY_OPTIONS: FastifyHelmetOptions = { contentSecurityPolicy: false, crossOriginEmbedderPolicy: false };

/** The headers a throwaway Fastify instance answers with, with or without @fastify/helmet. */
async function probe(withHelmet: boolean, options: FastifyHelmetOptions): Promise<Record<string, string>> {
  const fastify = new FastifyAdapter().getInstance();
  if (withHelmet) await fastify.register(helmet, options);
  fastify.get('/', (_request, reply) => reply.send('probe'));
  const answer = await fastify.inject({ method: 'GET', url: '/' });
  await fastify.close();
  return Object.fromEntries(Object.entries(answer.headers).map(([name, value]) => [name, String(value)]));
}

/** The headers @fastify/helmet sets with these options: without a Content-Security-Policy they are the same on every answer. */
export async function securityHeaders(options: FastifyHelmetOptions = SECURITY_OPTIONS): Promise<Record<string, string>> {
  const [plain, secured] = await Promise.all([probe(false, options), probe(true, options)]);
  return Object.fromEntries(Object.entries(secured).filter(([name]) => !(name in plain)));
}

/**
 * Security headers on every answer. @fastify/helmet builds helmet's middleware anew on every request (options
 * parsed, a dozen middlewares chained, two async hooks): ~10% of a bare request. The headers are fixed, so
 * they are read from helmet once, at start-up, and set in one synchronous hook.
 */
export async function addSecurityHeaders(fastify: FastifyInstance, options: FastifyHelmetOptions = SECURITY_OPTIONS): Promise<void> {
  const headers = await securityHeaders(options);
  if (Object.keys(headers).length === 0) throw new Error('helmet set no header: the security headers would be missing');
  fastify.addHook('onRequest', (_request, reply, done) => {
    void reply.headers(headers);
    done();
  });
}
