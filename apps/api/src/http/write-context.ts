import { randomUUID } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { WriteContext } from '@annals/application';

const ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** The request's actor (the API key's name), correlation and causation ids, for the events' metadata. */
export const Writer = createParamDecorator((_: unknown, ctx: ExecutionContext): WriteContext => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest & { principal?: { name: string } }>();
  const header = (name: string) => {
    const value = request.headers[name];
    return typeof value === 'string' && ID.test(value) ? value : undefined;
  };
  const correlationId = header('x-correlation-id') ?? String(request.id ?? randomUUID());
  return { actor: request.principal?.name ?? 'anonymous', correlationId, causationId: header('x-causation-id') ?? correlationId };
});
