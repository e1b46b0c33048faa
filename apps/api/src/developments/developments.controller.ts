import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { WriteContext, WriteResult } from '@annals/application';
import type { DevelopmentKind } from '@annals/domain';
import { ProblemException } from '../http/problem';
import { Writer } from '../http/write-context';
import { RequireScope } from '../access/require-scope.decorator';
import { DevelopmentWrites } from './development-writes';
import {
  CorrectionDto,
  RecordMeetingDto,
  RecordMembershipApprovalDto,
  RecordMembershipEndingDto,
  RecordPeaceSummitDto,
  RecordPresidencyHandoverDto,
  RecordSummitDto,
  RetractionDto,
  type DevelopmentBaseDto,
} from './development.dtos';

const uuid = new ParseUUIDPipe({
  version: undefined,
  exceptionFactory: () => new ProblemException('DEVELOPMENT_NOT_FOUND', 'Development ids are UUIDs; no development has this one'),
});

/** The write answer without the internal flag; 201 when appended, 200 for an idempotent retry. */
function answer(reply: FastifyReply, result: WriteResult) {
  void reply.status(result.created ? 201 : 200);
  const { created: _created, ...body } = result;
  return body;
}

@ApiTags('developments')
@RequireScope('write')
@Controller('api/developments')
export class DevelopmentsController {
  constructor(private readonly writes: DevelopmentWrites) {}

  private record(kind: DevelopmentKind, body: DevelopmentBaseDto, writer: WriteContext, reply: FastifyReply) {
    return this.writes.record(kind, body, writer).then((result) => answer(reply, result));
  }

  @Post('meetings')
  @ApiOperation({ summary: 'Record a meeting between leaders' })
  @ApiCreatedResponse({ description: 'Recorded' })
  @ApiOkResponse({ description: 'Already recorded with this id and content' })
  meeting(@Body() body: RecordMeetingDto, @Writer() writer: WriteContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.record('meeting', body, writer, reply);
  }

  @Post('summits')
  @ApiOperation({ summary: "Record an organization's summit" })
  summit(@Body() body: RecordSummitDto, @Writer() writer: WriteContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.record('summit', body, writer, reply);
  }

  @Post('membership-approvals')
  @ApiOperation({ summary: 'Record that an organization approved a member (or observer, partner…)' })
  membershipApproval(
    @Body() body: RecordMembershipApprovalDto,
    @Writer() writer: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.record('membership-approval', body, writer, reply);
  }

  @Post('membership-endings')
  @ApiOperation({ summary: 'Record the end of a membership (withdrawal, suspension, expulsion)' })
  membershipEnding(
    @Body() body: RecordMembershipEndingDto,
    @Writer() writer: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.record('membership-ending', body, writer, reply);
  }

  @Post('presidency-handovers')
  @ApiOperation({ summary: 'Record a rotating presidency changing hands' })
  presidencyHandover(
    @Body() body: RecordPresidencyHandoverDto,
    @Writer() writer: WriteContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.record('presidency-handover', body, writer, reply);
  }

  @Post('peace-summits')
  @ApiOperation({ summary: 'Record a peace summit with its attendees and absentees' })
  peaceSummit(@Body() body: RecordPeaceSummitDto, @Writer() writer: WriteContext, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.record('peace-summit', body, writer, reply);
  }

  @Post(':id/corrections')
  @HttpCode(201)
  @ApiOperation({ summary: 'Correct fields of a development (an event; nothing is edited)' })
  correct(@Param('id', uuid) id: string, @Body() body: CorrectionDto, @Writer() writer: WriteContext) {
    return this.writes.correct(id, body, writer).then(({ created: _created, ...result }) => result);
  }

  @Post(':id/retraction')
  @HttpCode(201)
  @ApiOperation({ summary: 'Retract a development: it leaves the timelines, its history stays' })
  retract(@Param('id', uuid) id: string, @Body() body: RetractionDto, @Writer() writer: WriteContext) {
    return this.writes.retract(id, body.reason, writer).then(({ created: _created, ...result }) => result);
  }
}
