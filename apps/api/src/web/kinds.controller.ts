import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import {
  CREATION_EVENT_TYPES,
  DEVELOPMENT_CORRECTED,
  DEVELOPMENT_KINDS,
  DEVELOPMENT_RETRACTED,
  type DevelopmentKind,
} from '@annals/domain';
import { RequireScope } from '../access/require-scope.decorator';
import { ApiProblems } from '../http/problem.docs';

/** How a kind is called where people read it (the page's badges and details). Typed by the domain: a new kind needs one. */
const KIND_LABELS: Record<DevelopmentKind, string> = {
  meeting: 'Meeting',
  summit: 'Summit',
  'membership-approval': 'Membership',
  'membership-ending': 'Membership ended',
  'presidency-handover': 'Presidency',
  'peace-summit': 'Peace summit',
};

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
const KINDS: readonly KindAnswer[] = DEVELOPMENT_KINDS.map((kind) => ({
  kind,
  label: KIND_LABELS[kind],
  path: `/api/developments/${kind}s`,
  eventTypes: { recorded: CREATION_EVENT_TYPES[kind], corrected: DEVELOPMENT_CORRECTED, retracted: DEVELOPMENT_RETRACTED },
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
    return KINDS;
  }
}
