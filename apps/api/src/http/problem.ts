import { HttpException } from '@nestjs/common';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError, type ValidatorOptions } from 'class-validator';
import type { DomainErrorCode, FieldError } from '@annals/domain';

/** Codes the HTTP edge adds to the domain's. */
export type ProblemCode =
  | DomainErrorCode
  | 'NOT_FOUND'
  | 'ORGANIZATION_NOT_FOUND'
  | 'COUNTRY_NOT_FOUND'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'METHOD_NOT_ALLOWED'
  | 'VIEWS_BEHIND'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'NOT_READY'
  | 'STORE_UNAVAILABLE'
  | 'INTERNAL_ERROR';

export const STATUS_BY_CODE: Record<ProblemCode, number> = {
  VALIDATION_FAILED: 400,
  UNKNOWN_ORGANIZATION: 422,
  ORGANIZATION_EXISTS: 409,
  DEVELOPMENT_NOT_FOUND: 404,
  DEVELOPMENT_RETRACTED: 409,
  IDEMPOTENCY_CONFLICT: 409,
  MEMBERSHIP_ALREADY_ACTIVE: 409,
  MEMBERSHIP_NOT_ACTIVE: 409,
  PRESIDENCY_HOLDER_MISMATCH: 409,
  PRESIDENCY_CHAIN_BROKEN: 409,
  PRESIDENCY_HOLDER_NOT_MEMBER: 409,
  NOTHING_TO_CORRECT: 409,
  NOT_FOUND: 404,
  ORGANIZATION_NOT_FOUND: 404,
  COUNTRY_NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  METHOD_NOT_ALLOWED: 405,
  VIEWS_BEHIND: 503,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  NOT_READY: 503,
  STORE_UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
};

const TITLES: Partial<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  431: 'Request Header Fields Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const titleOf = (status: number) => TITLES[status] ?? 'Error';

/** An RFC 9457 problem thrown from the HTTP edge. */
export class ProblemException extends HttpException {
  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly errors?: readonly FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail, STATUS_BY_CODE[code]);
  }
}

/** Flattens class-validator's tree into `{ field: 'participants.0.country', message }`. */
export function fieldErrors(errors: readonly ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: error.constraints?.whitelistValidation === message ? `${field} is not an allowed field` : message,
    }));
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

export const validationFailed = (errors: readonly FieldError[]) =>
  new ProblemException('VALIDATION_FAILED', errors.length === 1 ? errors[0]!.message : `${errors.length} fields are invalid`, errors);

export const VALIDATOR_OPTIONS: ValidatorOptions = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true };

/** Validates a plain object outside the global pipe (NDJSON lines, correction changes). */
export function validateAs<T extends object>(type: ClassConstructor<T>, plain: unknown, field?: string): T {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    throw validationFailed([{ field: field ?? 'body', message: `${field ?? 'body'} must be a JSON object` }]);
  }
  const instance = plainToInstance(type, plain);
  const errors = validateSync(instance, VALIDATOR_OPTIONS);
  if (errors.length > 0) throw validationFailed(fieldErrors(errors, field));
  return instance;
}
