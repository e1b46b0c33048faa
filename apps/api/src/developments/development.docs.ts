import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import type { DevelopmentKind } from '@annals/domain';
import { ApiProblems } from '../http/problem.docs';
import { recordingSchemaName } from '../openapi/kind-schemas';
import type { ProblemCode } from '../http/problem';
import { WriteAnswer } from './development.answers';
import { bodyExamples, EXAMPLE_DEVELOPMENT_ID } from './development.examples';

export const LOCATION_HEADER = {
  Location: {
    description: 'The development: `/api/developments/{developmentId}`',
    schema: { type: 'string', example: `/api/developments/${EXAMPLE_DEVELOPMENT_ID}` },
  },
};

/** Problems every write with a JSON body can answer. */
const JSON_WRITE_PROBLEMS: ProblemCode[] = [
  'VALIDATION_FAILED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'IDEMPOTENCY_CONFLICT',
  'RATE_LIMITED',
  'STORE_UNAVAILABLE',
];
export const ORGANIZATION_INVARIANTS: ProblemCode[] = [
  'MEMBERSHIP_ALREADY_ACTIVE',
  'MEMBERSHIP_NOT_ACTIVE',
  'PRESIDENCY_HOLDER_MISMATCH',
  'PRESIDENCY_CHAIN_BROKEN',
  'PRESIDENCY_HOLDER_NOT_MEMBER',
];

export const ApiJsonWriteProblems = (...codes: ProblemCode[]) => ApiProblems(...JSON_WRITE_PROBLEMS, ...codes);

/** A record endpoint: its body with an example from the sample story, 201 and the idempotent 200, and its problems. */
export const ApiRecord = (kind: DevelopmentKind, summary: string, description: string, ...codes: ProblemCode[]) =>
  applyDecorators(
    ApiOperation({
      summary,
      description,
      operationId: `record${kind.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase())}`,
    }),
    // The kind's own schema (see openapi/kind-schemas.ts), with the client's optional id.
    ApiBody({ schema: { $ref: `#/components/schemas/${recordingSchemaName(kind)}` }, examples: bodyExamples(kind) }),
    ApiCreatedResponse({ type: WriteAnswer, description: 'Recorded', headers: LOCATION_HEADER }),
    ApiOkResponse({
      type: WriteAnswer,
      description: 'Already recorded with this `id` and content: nothing appended',
      headers: LOCATION_HEADER,
    }),
    ApiJsonWriteProblems(...codes),
  );

export const ApiDevelopmentId = () =>
  ApiParam({ name: 'id', format: 'uuid', example: EXAMPLE_DEVELOPMENT_ID, description: 'The development id (any case)' });
