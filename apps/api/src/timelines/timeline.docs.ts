import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiParam, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ApiReadProblems } from '../http/read.docs';
import type { ProblemCode } from '../http/problem';
import { TimelineJsAnswer, TimelinePageAnswer } from './timeline.answers';

/** A timeline read: a JSON page, or the whole timeline as CSV, iCalendar or TimelineJS (`format`). */
export const ApiTimeline = (operationId: string, summary: string, ...codes: ProblemCode[]) =>
  applyDecorators(
    ApiOperation({
      operationId,
      summary,
      description:
        'Ordered by the first day of `occurredOn`, then by position. `format=json` (default) answers a page; `csv`, `ics` and `timelinejs` answer the whole timeline (up to 20 000 developments) as a download.',
    }),
    ApiExtraModels(TimelinePageAnswer, TimelineJsAnswer),
    ApiResponse({
      status: 200,
      description: 'A page of the timeline (`format=json`), or the whole timeline in the asked `format`',
      content: {
        'application/json': {
          schema: {
            oneOf: [{ $ref: getSchemaPath(TimelinePageAnswer) }, { $ref: getSchemaPath(TimelineJsAnswer) }],
            description: '`TimelinePageAnswer` for `format=json`, `TimelineJsAnswer` for `format=timelinejs`',
          },
        },
        'text/csv': {
          schema: {
            type: 'string',
            description: 'RFC 4180 CSV: a header row, then one row a development (CAMEO root codes, ISO 3166-1 alpha-3)',
          },
        },
        'text/calendar': { schema: { type: 'string', description: 'RFC 5545 iCalendar: one VEVENT a development' } },
      },
    }),
    ApiReadProblems(...codes),
  );

export const ApiCountryParam = (name = 'code', example = 'CN') =>
  ApiParam({ name, example, description: 'ISO 3166-1 alpha-2 or alpha-3, any case' });

export const ApiOrganizationParam = () => ApiParam({ name: 'code', example: 'SCO', description: 'Organization code, any case' });
