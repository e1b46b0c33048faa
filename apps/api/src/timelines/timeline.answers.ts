import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DEVELOPMENT_KINDS, ROLES, type DatePrecision, type DevelopmentKind, type Role } from '@annals/domain';

export class PlaceAnswer {
  @ApiPropertyOptional({ example: 'Astana' }) city?: string;
  @ApiPropertyOptional({ example: 'KZ', description: 'ISO 3166-1 alpha-2' }) country?: string;
}

export class RoleAnswer {
  @ApiProperty({ example: 'CN' }) country!: string;
  @ApiProperty({ enum: ROLES, example: 'participant' }) role!: Role;
}

/** One development as every timeline, the search and the live feed show it. */
export class TimelineEntryAnswer {
  @ApiProperty({ format: 'uuid', example: 'd8bc22be-5287-4107-a939-0c3dc8188dc4' }) developmentId!: string;
  @ApiProperty({ enum: DEVELOPMENT_KINDS, example: 'meeting' }) kind!: DevelopmentKind;
  @ApiProperty({ example: '2024-07-03', description: 'Partial date as recorded: YYYY, YYYY-MM or YYYY-MM-DD' }) occurredOn!: string;
  @ApiPropertyOptional({ example: '2024-07-04' }) endsOn?: string;
  @ApiProperty({ enum: ['year', 'month', 'day'], example: 'day', description: 'The precision of occurredOn' }) precision!: DatePrecision;
  @ApiProperty({ example: 'Xi Jinping and Vladimir Putin meet in Astana on the eve of the SCO summit' }) title!: string;
  @ApiPropertyOptional({ example: 'On the sidelines of the SCO summit in Astana, Xi Jinping and Vladimir Putin held talks.' })
  summary?: string;
  @ApiProperty({ type: [String], example: ['CN', 'RU', 'KZ'], description: 'Every country named in any role (alpha-2)' })
  countries!: string[];
  @ApiProperty({
    type: [RoleAnswer],
    example: [
      { country: 'CN', role: 'participant' },
      { country: 'RU', role: 'participant' },
      { country: 'KZ', role: 'location' },
    ],
    description: 'Each country in each role it holds in the development (a country may hold several); an absentee did not take part',
  })
  roles!: RoleAnswer[];
  @ApiProperty({ type: [String], example: ['SCO'], description: 'Organization codes' }) organizations!: string[];
  @ApiPropertyOptional({ type: PlaceAnswer }) location?: PlaceAnswer;
  @ApiProperty({ example: false }) corrected!: boolean;
  @ApiProperty({ example: false }) retracted!: boolean;
  @ApiProperty({ format: 'date-time', example: '2024-07-03T18:20:00.000Z', description: 'When the development was first recorded' })
  recordedAt!: string;
  @ApiProperty({ example: '18', description: 'Log position of the development (opaque token)' }) position!: string;
}

export class TimelinePageAnswer {
  @ApiProperty({ type: [TimelineEntryAnswer] }) items!: TimelineEntryAnswer[];
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'WyJbXCIyMDI0LTA3LTAzXCIsMTgsXCJhc2NcIl0iLCJRQ3JkUGs4d3BwQ3EiXQ',
    description: 'Pass as `cursor` for the next page; null on the last one',
  })
  nextCursor!: string | null;
}

class TimelineJsDate {
  @ApiProperty({ example: 2024 }) year!: number;
  @ApiPropertyOptional({ example: 7 }) month?: number;
  @ApiPropertyOptional({ example: 3 }) day?: number;
}

class TimelineJsText {
  @ApiPropertyOptional({ example: 'Xi Jinping and Vladimir Putin meet in Astana on the eve of the SCO summit' }) headline?: string;
  @ApiPropertyOptional({ example: '<p>On the sidelines of the SCO summit in Astana…</p>' }) text?: string;
}

class TimelineJsSlide {
  @ApiProperty({ type: TimelineJsDate }) start_date!: TimelineJsDate;
  @ApiPropertyOptional({ type: TimelineJsDate }) end_date?: TimelineJsDate;
  @ApiProperty({ type: TimelineJsText }) text!: TimelineJsText;
  @ApiPropertyOptional({ example: 'SCO' }) group?: string;
  @ApiProperty({ example: 'd8bc22be-5287-4107-a939-0c3dc8188dc4' }) unique_id!: string;
  @ApiPropertyOptional({ example: false }) autolink?: boolean;
  @ApiPropertyOptional({ example: 'Recorded 2024-07-03' }) display_date?: string;
}

class TimelineJsTitle {
  @ApiProperty({ type: TimelineJsText }) text!: TimelineJsText;
}

/** `format=timelinejs`: a TimelineJS3 JSON document. */
export class TimelineJsAnswer {
  @ApiPropertyOptional({ type: TimelineJsTitle }) title?: TimelineJsTitle;
  @ApiProperty({ type: [TimelineJsSlide] }) events!: TimelineJsSlide[];
}
