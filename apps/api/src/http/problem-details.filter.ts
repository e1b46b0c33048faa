import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { StoreUnavailableError } from '@annals/application';
import { DomainError } from '@annals/domain';
import { ProblemException, STATUS_BY_CODE, titleOf, type ProblemCode } from './problem';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: ReadonlyArray<{ field: string; message: string }>;
  checks?: unknown;
}

const FASTIFY_CODES: Record<string, ProblemCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'VALIDATION_FAILED',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'VALIDATION_FAILED',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
};

/** One place where every failure becomes RFC 9457 problem details. Never a stack trace, never an internal path. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problems');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const { problem, headers } = this.toProblem(exception);
    if (problem.status === 503) this.logger.warn({ url: request.url, code: problem.code }, 'unavailable');
    else if (problem.status >= 500) this.logger.error({ err: exception, url: request.url }, 'request failed');
    if (reply.sent) return;
    void reply
      .status(problem.status)
      .headers({ ...headers, 'content-type': 'application/problem+json; charset=utf-8' })
      .send(JSON.stringify({ ...problem, instance: request.url.split('?')[0] }));
  }

  private toProblem(exception: unknown): { problem: Problem; headers: Record<string, string> } {
    if (exception instanceof ProblemException)
      return { problem: problem(exception.code, exception.detail, exception.errors), headers: exception.headers };
    if (exception instanceof DomainError) return { problem: problem(exception.code, exception.message, exception.errors), headers: {} };
    if (exception instanceof StoreUnavailableError || isConnectionFailure(exception)) {
      return {
        problem: problem('STORE_UNAVAILABLE', 'A store is unavailable right now; nothing was written. Retry shortly'),
        headers: { 'retry-after': '1' },
      };
    }
    // Nest wraps Fastify's body-parsing errors in an HttpException whose cause carries Fastify's code.
    const fastifyCode = (exception as { code?: unknown })?.code ?? (exception as { cause?: { code?: unknown } })?.cause?.code;
    if (typeof fastifyCode === 'string' && FASTIFY_CODES[fastifyCode]) {
      const code = FASTIFY_CODES[fastifyCode];
      const detail =
        code === 'PAYLOAD_TOO_LARGE'
          ? 'The request body is larger than 1 MiB'
          : code === 'VALIDATION_FAILED'
            ? 'The request body is not valid JSON'
            : 'This content type is not accepted here';
      return {
        problem: problem(code, detail, code === 'VALIDATION_FAILED' ? [{ field: 'body', message: detail }] : undefined),
        headers: {},
      };
    }
    if (exception instanceof HttpException && exception.getStatus() === 503) {
      // Readiness (terminus) says which check is down: keep that, it is what an operator needs.
      const body = exception.getResponse() as { details?: unknown };
      return {
        problem: { ...problem('NOT_READY', 'The service is not ready'), ...(body?.details ? { checks: body.details } : {}) },
        headers: { 'retry-after': '1' },
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code: ProblemCode =
        status === 404
          ? 'NOT_FOUND'
          : status === 413
            ? 'PAYLOAD_TOO_LARGE'
            : status === 415
              ? 'UNSUPPORTED_MEDIA_TYPE'
              : status === 429
                ? 'RATE_LIMITED'
                : status === 405
                  ? 'METHOD_NOT_ALLOWED'
                  : status === 401
                    ? 'UNAUTHENTICATED'
                    : status === 403
                      ? 'FORBIDDEN'
                      : status >= 500
                        ? 'INTERNAL_ERROR'
                        : 'VALIDATION_FAILED';
      const detail = status === 404 ? 'No such resource' : status >= 500 ? 'The server could not complete the request' : exception.message;
      return { problem: { ...problem(code, detail), status }, headers: {} };
    }
    const status = (exception as { statusCode?: unknown })?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return { problem: { ...problem('VALIDATION_FAILED', 'The request could not be read'), status, title: titleOf(status) }, headers: {} };
    }
    return { problem: problem('INTERNAL_ERROR', 'The server could not complete the request'), headers: {} };
  }
}

/** Errors of a store connection going away (PostgreSQL, sockets): the store is down, not the request wrong. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '55000',
  '08000',
  '08001',
  '08003',
  '08006',
]);
function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = error instanceof Error ? error.message : '';
  return (
    (typeof code === 'string' && CONNECTION_CODES.has(code)) ||
    /Connection terminated|timeout exceeded when trying to connect|Query read timeout|not currently accepting connections|connection error and is not queryable|Connection ended/.test(
      message,
    )
  );
}

function problem(code: ProblemCode, detail: string, errors?: ReadonlyArray<{ field: string; message: string }>): Problem {
  const status = STATUS_BY_CODE[code];
  return {
    type: `/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: titleOf(status),
    status,
    detail,
    code,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}
