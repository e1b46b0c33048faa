import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { WriteContext } from '@annals/application';
import type { DevelopmentKind } from '@annals/domain';
import { ProblemException } from '../http/problem';
import { Writer } from '../http/write-context';
import { RequireScope } from '../access/require-scope.decorator';
import { WriteAnswer } from './development.answers';
import { writeAnswer } from './write-answer';
import { ApiDevelopmentId, ApiJsonWriteProblems, ApiRecord, LOCATION_HEADER, ORGANIZATION_INVARIANTS } from './development.docs';
import { CORRECTION_EXAMPLE, RETRACTION_EXAMPLE } from './development.examples';
import { DevelopmentWrites } from './development-writes';
import { CorrectionDto, RetractionDto } from './development.dtos';

const uuid = new ParseUUIDPipe({
  version: undefined,
  exceptionFactory: () => new ProblemException('DEVELOPMENT_NOT_FOUND', 'Development ids are UUIDs; no development has this one'),
});

@ApiTags('developments')
@RequireScope('write')
@Controller('api/developments')
export class DevelopmentsController {
  constructor(private readonly writes: DevelopmentWrites) {}

  private record(kind: DevelopmentKind, body: unknown, writer: WriteContext, reply: FastifyReply) {
    return this.writes.record(kind, body, writer).then((result) => writeAnswer(reply, result));
  }

  @Post('meetings')
  @ApiRecord(
    'meeting',
    'Record a meeting between leaders',
    'Participants are distinct people (the same name and country twice: 400). With `organization` (the occasion, e.g. on the sidelines of an SCO summit) it is also on that organization’s timeline.',
    'UNKNOWN_ORGANIZATION',
  )
  meeting(@Body() body: unknown, @Writer() writer: WriteContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.record('meeting', body, writer, reply);
  }

  @Post('summits')
  @ApiRecord(
    'summit',
    "Record an organization's summit",
    'A summit of `organization`, hosted by `host`.',
    'UNKNOWN_ORGANIZATION',
  )
  summit(@Body() body: unknown, @Writer() writer: WriteContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.record('summit', body, writer, reply);
  }

  @Post('membership-approvals')
  @ApiRecord(
    'membership-approval',
    'Record that an organization approved a member (or observer, partner…)',
    'The membership takes effect on `effectiveOn`, or on `occurredOn` when absent. Judged on valid time: the country must not hold it then already.',
    'UNKNOWN_ORGANIZATION',
    ...ORGANIZATION_INVARIANTS,
  )
  membershipApproval(
    @Body() body: unknown,
    @Writer() writer: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.record('membership-approval', body, writer, reply);
  }

  @Post('membership-endings')
  @ApiRecord(
    'membership-ending',
    'Record the end of a membership (withdrawal, suspension, expulsion)',
    'The country must hold the membership on `occurredOn`.',
    'UNKNOWN_ORGANIZATION',
    ...ORGANIZATION_INVARIANTS,
  )
  membershipEnding(
    @Body() body: unknown,
    @Writer() writer: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.record('membership-ending', body, writer, reply);
  }

  @Post('presidency-handovers')
  @ApiRecord(
    'presidency-handover',
    'Record a rotating presidency changing hands',
    '`from` must be who held it on that date (when known), the next known handover’s `from` must stay true, and `to` must be a full member (when the organization has recorded members). `termEndsOn` ends the presidency then.',
    'UNKNOWN_ORGANIZATION',
    ...ORGANIZATION_INVARIANTS,
  )
  presidencyHandover(
    @Body() body: unknown,
    @Writer() writer: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.record('presidency-handover', body, writer, reply);
  }

  @Post('peace-summits')
  @ApiRecord(
    'peace-summit',
    'Record a peace summit with its attendees and absentees',
    'Attendees and absentees are countries; an absentee declined or was not invited.',
  )
  peaceSummit(@Body() body: unknown, @Writer() writer: WriteContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.record('peace-summit', body, writer, reply);
  }

  @Post(':id/corrections')
  @HttpCode(201)
  @ApiOperation({
    operationId: 'correctDevelopment',
    summary: 'Correct fields of a development (an event; nothing is edited)',
    description:
      '`changes` holds content fields of the development’s kind (not the organization it belongs to), validated like the original fields. Changes equal to the current values: 409 `NOTHING_TO_CORRECT`, nothing appended.',
  })
  @ApiDevelopmentId()
  @ApiBody({ type: CorrectionDto, examples: { title: { summary: 'Correct the title of the Astana meeting', value: CORRECTION_EXAMPLE } } })
  @ApiCreatedResponse({ type: WriteAnswer, description: 'Correction recorded', headers: LOCATION_HEADER })
  @ApiJsonWriteProblems('DEVELOPMENT_NOT_FOUND', 'DEVELOPMENT_RETRACTED', 'NOTHING_TO_CORRECT', ...ORGANIZATION_INVARIANTS)
  correct(
    @Param('id', uuid) id: string,
    @Body() body: CorrectionDto,
    @Writer() writer: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.writes.correct(id, body, writer).then((result) => writeAnswer(reply, { ...result, created: true }));
  }

  @Post(':id/retraction')
  @HttpCode(201)
  @ApiOperation({
    operationId: 'retractDevelopment',
    summary: 'Retract a development: it leaves the timelines, its history stays',
  })
  @ApiDevelopmentId()
  @ApiBody({ type: RetractionDto, examples: { duplicate: { summary: 'Retract a duplicate', value: RETRACTION_EXAMPLE } } })
  @ApiCreatedResponse({ type: WriteAnswer, description: 'Retraction recorded', headers: LOCATION_HEADER })
  @ApiJsonWriteProblems('DEVELOPMENT_NOT_FOUND', 'DEVELOPMENT_RETRACTED', ...ORGANIZATION_INVARIANTS)
  retract(
    @Param('id', uuid) id: string,
    @Body() body: RetractionDto,
    @Writer() writer: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.writes.retract(id, body.reason, writer).then((result) => writeAnswer(reply, { ...result, created: true }));
  }
}
