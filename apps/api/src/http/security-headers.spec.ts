import helmet from '@fastify/helmet';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { addSecurityHeaders, SECURITY_OPTIONS, securityHeaders } from './security-headers';

/** The answer headers of a throwaway instance, secured one way or the other, without the ones that vary. */
async function answerHeaders(secure: 'helmet' | 'static', url: string): Promise<Record<string, unknown>> {
  const fastify = new FastifyAdapter().getInstance();
  if (secure === 'helmet') await fastify.register(helmet, SECURITY_OPTIONS);
  else await addSecurityHeaders(fastify);
  fastify.get('/page', (_request, reply) => reply.header('content-security-policy', "default-src 'self'").send('<p>page</p>'));
  const answer = await fastify.inject({ method: 'GET', url });
  await fastify.close();
  const { date: _date, ...headers } = answer.headers;
  return headers;
}

describe('security headers', () => {
  it('are the ones @fastify/helmet sets, without a Content-Security-Policy of their own', async () => {
    const headers = await securityHeaders();
    expect(headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'SAMEORIGIN' });
    expect(headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(headers).not.toHaveProperty('content-security-policy');
    expect(headers).not.toHaveProperty('cross-origin-embedder-policy');
  });

  it.each(['/page', '/missing'])('answer %s exactly as @fastify/helmet would', async (url) => {
    expect(await answerHeaders('static', url)).toEqual(await answerHeaders('helmet', url));
  });
});
