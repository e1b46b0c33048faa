import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { STATUS_BY_CODE, titleOf, type ProblemCode } from './problem';

export const PROBLEM_CODES = Object.keys(STATUS_BY_CODE) as ProblemCode[];
export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

export class FieldErrorDto {
  @ApiProperty({ example: 'participants.1.country' }) field!: string;
  @ApiProperty({ example: 'participants.1.country must be an ISO 3166-1 alpha-2 or alpha-3 country code' }) message!: string;
}

/** RFC 9457 problem details: every error this service answers. */
export class ProblemDto {
  @ApiProperty({ example: '/problems/validation-failed', description: 'A relative URI naming the kind of problem' }) type!: string;
  @ApiProperty({ example: 'Bad Request' }) title!: string;
  @ApiProperty({ example: 400, minimum: 400, maximum: 599 }) status!: number;
  @ApiProperty({ example: 'participants.1.country must be an ISO 3166-1 alpha-2 or alpha-3 country code' }) detail!: string;
  @ApiProperty({ enum: PROBLEM_CODES, enumName: 'ProblemCode', description: 'Stable code for programs to act on' }) code!: ProblemCode;
  @ApiPropertyOptional({ example: '/api/developments/meetings', description: 'The path of the request' }) instance?: string;
  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'With VALIDATION_FAILED: each invalid field' }) errors?: FieldErrorDto[];
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'With NOT_READY from /health/ready: the state of each check',
  })
  checks?: Record<string, unknown>;
}

/** What each code means to a client, for the response descriptions. */
const MEANING: Record<ProblemCode, string> = {
  VALIDATION_FAILED: 'a field, parameter or the body is invalid (`errors` says which)',
  UNKNOWN_ORGANIZATION: 'the body names an organization that is not registered',
  ORGANIZATION_EXISTS: 'an organization with this code is already registered',
  DEVELOPMENT_NOT_FOUND: 'no development has this id',
  DEVELOPMENT_RETRACTED: 'the development is retracted; it cannot be corrected or retracted again',
  IDEMPOTENCY_CONFLICT: 'this id is already recorded with other content',
  MEMBERSHIP_ALREADY_ACTIVE: 'the country already holds this membership on the effective date',
  MEMBERSHIP_NOT_ACTIVE: 'the country does not hold this membership on that date',
  PRESIDENCY_HOLDER_MISMATCH: '`from` did not hold the presidency on that date',
  PRESIDENCY_CHAIN_BROKEN: 'the handover contradicts the `from` of the next known handover',
  PRESIDENCY_HOLDER_NOT_MEMBER: '`to` is not a full member on that date',
  NOTHING_TO_CORRECT: 'the changes equal the current values; nothing was appended',
  NOT_FOUND: 'no such resource',
  ORGANIZATION_NOT_FOUND: 'no organization has this code',
  COUNTRY_NOT_FOUND: 'no such country',
  PAYLOAD_TOO_LARGE: 'the body is larger than 1 MiB',
  UNSUPPORTED_MEDIA_TYPE: 'the Content-Type is not accepted here',
  METHOD_NOT_ALLOWED: 'the method is not allowed here',
  VIEWS_BEHIND: 'the views have not reached `minPosition` in time (see Retry-After)',
  UNAUTHENTICATED: 'missing or unknown API key (with API_KEYS configured)',
  FORBIDDEN: "the key's scope is too small",
  RATE_LIMITED: 'more than RATE_LIMIT requests a minute (see Retry-After)',
  NOT_READY: 'the service is not ready',
  STORE_UNAVAILABLE: 'a store is unavailable; nothing was written (see Retry-After)',
  INTERNAL_ERROR: 'an unexpected failure',
};

/** Codes every operation under /api can answer, whatever it does. */
export const COMMON_CODES: readonly ProblemCode[] = ['VALIDATION_FAILED', 'RATE_LIMITED', 'STORE_UNAVAILABLE'];

const EXAMPLE_DETAIL: Partial<Record<ProblemCode, string>> = {
  VALIDATION_FAILED: 'participants.1.country must be an ISO 3166-1 alpha-2 or alpha-3 country code',
  UNKNOWN_ORGANIZATION: 'No organization SCOO is registered',
  DEVELOPMENT_NOT_FOUND: 'No development 00000000-0000-4000-8000-000000000000',
  ORGANIZATION_NOT_FOUND: 'No organization SCOO',
  MEMBERSHIP_ALREADY_ACTIVE: 'BY already holds the SCO membership on 2024-07-04',
  PRESIDENCY_HOLDER_MISMATCH: 'KZ did not hold the SCO presidency on 2024-07-04',
  UNAUTHENTICATED: 'Send a valid API key as "Authorization: Bearer <key>"',
  FORBIDDEN: 'This needs the write scope; the key "reader" has read',
  VIEWS_BEHIND: 'The views have not reached position 81 yet; retry shortly',
};

export function problemExample(code: ProblemCode, instance?: string) {
  const status = STATUS_BY_CODE[code];
  return {
    type: `/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: titleOf(status),
    status,
    detail: EXAMPLE_DETAIL[code] ?? MEANING[code].replace(/^./, (c) => c.toUpperCase()),
    code,
    ...(instance ? { instance } : {}),
    ...(code === 'VALIDATION_FAILED' ? { errors: [{ field: 'participants.1.country', message: EXAMPLE_DETAIL.VALIDATION_FAILED! }] } : {}),
  };
}

/**
 * Documents the problems an operation can answer: one response per status, as `application/problem+json` with
 * the problem schema, its `code` narrowed to the codes of that status this operation uses, and one example each.
 */
export function ApiProblems(...codes: ProblemCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of new Set(codes)) byStatus.set(STATUS_BY_CODE[code], [...(byStatus.get(STATUS_BY_CODE[code]) ?? []), code]);
  const responses = [...byStatus.entries()].map(([status, list]) =>
    ApiResponse({
      status,
      description: `${titleOf(status)}: ${list.map((code) => `\`${code}\` — ${MEANING[code]}`).join('; ')}`,
      ...(status === 401 ? { headers: { 'WWW-Authenticate': { schema: { type: 'string', example: 'Bearer' } } } } : {}),
      ...(status === 429 || status === 503 ? { headers: { 'Retry-After': { schema: { type: 'integer', example: 1 } } } } : {}),
      content: {
        [PROBLEM_MEDIA_TYPE]: {
          schema: {
            allOf: [{ $ref: getSchemaPath(ProblemDto) }, { type: 'object', properties: { code: { type: 'string', enum: list } } }],
          },
          examples: Object.fromEntries(list.map((code) => [code, { summary: MEANING[code], value: problemExample(code) }])),
        },
      },
    }),
  );
  return applyDecorators(ApiExtraModels(ProblemDto, FieldErrorDto), ...responses);
}
