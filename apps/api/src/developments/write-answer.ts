import type { FastifyReply } from 'fastify';
import type { WriteResult } from '@annals/application';
import type { WriteAnswer } from './development.answers';

/** The write answer without the internal flag, with the development's address; 201 when appended, 200 for an idempotent retry. */
export function writeAnswer(reply: FastifyReply, result: WriteResult, location = `/api/developments/${result.developmentId}`): WriteAnswer {
  void reply.status(result.created ? 201 : 200).header('location', location);
  const { created: _created, ...body } = result;
  return body;
}
