import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { DEVELOPMENT_CORRECTED, DEVELOPMENT_KINDS, DEVELOPMENT_RETRACTED, KINDS, type DevelopmentKind } from '@annals/domain';
import { RequireScope } from '../access/require-scope.decorator';
import { ApiProblems } from '../http/problem.docs';

export class KindEventTypesAnswer {
  @ApiProperty({ example: 'MeetingHeld', description: 'The event that records a development of this kind' }) recorded!: string;
  @ApiProperty({ example: DEVELOPMENT_CORRECTED, description: 'The event of a correction' }) corrected!: string;
  @ApiProperty({ example: DEVELOPMENT_RETRACTED, description: 'The event of a retraction' }) retracted!: string;
}

export class KindAnswer {
  @ApiProperty({ enum: DEVELOPMENT_KINDS, example: 'meeting' }) kind!: DevelopmentKind;
  @ApiProperty({ example: 'Meeting', description: 'How the kind is called in English' }) label!: string;
  @ApiProperty({ example: '/api/developments/meetings', description: 'Where a development of this kind is recorded (POST)' })
  path!: string;
  @ApiProperty({
    type: KindEventTypesAnswer,
    description: 'The event types a development of this kind has in its history, by change (the names of the live feed’s events)',
  })
  eventTypes!: KindEventTypesAnswer;
}

/** Built once: the catalogue is the code's, not the data's. */
const CATALOGUE: readonly KindAnswer[] = DEVELOPMENT_KINDS.map((kind) => ({
  kind,
  label: KINDS[kind].label,
  path: `/api/developments/${kind}s`,
  eventTypes: { recorded: KINDS[kind].eventType, corrected: DEVELOPMENT_CORRECTED, retracted: DEVELOPMENT_RETRACTED },
}));

/** The development kinds this service records: what a client shows and filters by, served instead of copied. */
@ApiTags('developments')
@RequireScope('read')
@Controller('api')
export class KindsController {
  @Get('kinds')
  @ApiOperation({
    operationId: 'listKinds',
    summary: 'The development kinds, with their labels, where each is recorded and its event types',
    description: 'In a stable order (the order of the event catalogue); the list only grows.',
  })
  @ApiOkResponse({ type: [KindAnswer] })
  @ApiProblems('RATE_LIMITED')
  list(): readonly KindAnswer[] {
    return CATALOGUE;
  }
}
