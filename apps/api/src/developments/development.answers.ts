import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ABSENCE_REASONS, MEMBERSHIP_ENDING_REASONS, MEMBERSHIP_STATUSES } from '@annals/domain';
import { TimelineEntryAnswer } from '../timelines/timeline.answers';

/** The answer of every write: where the event went, and the position and instant to read it back with. */
export class WriteAnswer {
  @ApiProperty({ format: 'uuid', example: 'd8bc22be-5287-4107-a939-0c3dc8188dc4' }) developmentId!: string;
  @ApiProperty({
    example: 'meeting',
    description: 'The development kind; `organization` for a registration',
    enum: ['meeting', 'summit', 'membership-approval', 'membership-ending', 'presidency-handover', 'peace-summit', 'organization'],
  })
  kind!: string;
  @ApiProperty({ format: 'uuid', example: '6f1c2a49-0d3b-5c8e-9a41-2b7d90e4c3f5', description: 'The id of the appended event' })
  eventId!: string;
  @ApiProperty({ example: 'development-d8bc22be-5287-4107-a939-0c3dc8188dc4' }) stream!: string;
  @ApiProperty({ example: 0, minimum: 0, description: 'Revision of the event in its stream' }) revision!: number;
  @ApiProperty({ example: '82', description: 'Log position: pass it as `minPosition` to read your write' }) position!: string;
  @ApiProperty({ format: 'date-time', example: '2024-07-03T18:20:00.000Z', description: 'When it was recorded: try it as `asKnownAt`' })
  recordedAt!: string;
}

class SourceAnswer {
  @ApiPropertyOptional({ example: 'https://tass.com/world/1811995' }) url?: string;
  @ApiPropertyOptional({ example: 'Putin, Xi hold talks in Astana' }) title?: string;
  @ApiPropertyOptional({ example: 'TASS' }) publisher?: string;
  @ApiPropertyOptional({ example: '2024-07-03' }) publishedOn?: string;
}

class ParticipantAnswer {
  @ApiProperty({ example: 'Xi Jinping' }) name!: string;
  @ApiProperty({ example: 'CN' }) country!: string;
  @ApiPropertyOptional({ example: 'President of China' }) role?: string;
}

class AbsenteeAnswer {
  @ApiProperty({ example: 'CN' }) country!: string;
  @ApiProperty({ enum: ABSENCE_REASONS, example: 'declined' }) reason!: string;
}

export class HistoryEntryAnswer {
  @ApiProperty({ format: 'uuid', example: '6f1c2a49-0d3b-5c8e-9a41-2b7d90e4c3f5' }) eventId!: string;
  @ApiProperty({ example: 'MeetingRecorded' }) type!: string;
  @ApiProperty({ format: 'date-time', example: '2024-07-03T18:20:00.000Z' }) recordedAt!: string;
  @ApiProperty({ example: '18' }) position!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The event as recorded' }) data!: Record<string, unknown>;
}

/**
 * A development as it stands: its timeline entry, every content field of its kind (corrections applied), its
 * stream and history. Fields of other kinds are absent.
 */
export class DevelopmentAnswer extends TimelineEntryAnswer {
  @ApiPropertyOptional({ type: [SourceAnswer] }) sources?: SourceAnswer[];
  @ApiPropertyOptional({ type: [String], example: ['sco', 'astana-2024', 'china-russia'] }) tags?: string[];
  @ApiPropertyOptional({ type: [ParticipantAnswer], description: 'meeting' }) participants?: ParticipantAnswer[];
  @ApiPropertyOptional({ example: 'SCO', description: 'The organization it belongs to (a meeting: its occasion)' }) organization?: string;
  @ApiPropertyOptional({ example: 'KZ', description: 'summit, peace-summit' }) host?: string;
  @ApiPropertyOptional({ example: 'BY', description: 'membership-approval, membership-ending' }) country?: string;
  @ApiPropertyOptional({ enum: MEMBERSHIP_STATUSES, description: 'membership-approval' }) status?: string;
  @ApiPropertyOptional({ example: '2024-07-04', description: 'membership-approval' }) effectiveOn?: string;
  @ApiPropertyOptional({ enum: MEMBERSHIP_ENDING_REASONS, description: 'membership-ending' }) reason?: string;
  @ApiPropertyOptional({ example: 'KZ', description: 'presidency-handover' }) from?: string;
  @ApiPropertyOptional({ example: 'CN', description: 'presidency-handover' }) to?: string;
  @ApiPropertyOptional({ example: '2025-09-01', description: 'presidency-handover' }) termEndsOn?: string;
  @ApiPropertyOptional({ example: 'Russian invasion of Ukraine', description: 'peace-summit' }) conflict?: string;
  @ApiPropertyOptional({ type: [String], example: ['UA', 'CH', 'US'], description: 'peace-summit' }) attendees?: string[];
  @ApiPropertyOptional({ type: [AbsenteeAnswer], description: 'peace-summit' }) absentees?: AbsenteeAnswer[];
  @ApiProperty({ example: 'development-d8bc22be-5287-4107-a939-0c3dc8188dc4' }) stream!: string;
  @ApiProperty({ type: [HistoryEntryAnswer], description: 'Every event of the development, oldest first' }) history!: HistoryEntryAnswer[];
}
