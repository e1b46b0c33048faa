import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsObject,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import {
  ABSENCE_REASONS,
  MEMBERSHIP_ENDING_REASONS,
  MEMBERSHIP_STATUSES,
  type AbsenceReason,
  type MembershipEndingReason,
  type MembershipStatus,
} from '@annals/domain';
import { IsCountryCode, IsOrganizationCode, IsPartialDate, Optional } from '../http/validation.decorators';

export class SourceDto {
  @ApiPropertyOptional({ example: 'https://tass.com/world/1811995' })
  @ValidateIf((o: SourceDto) => o.url !== undefined || o.publisher === undefined)
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true },
    { message: 'url must be an http(s) URL; a source needs a url or a publisher' },
  )
  @MaxLength(2000)
  url?: string;

  @ApiPropertyOptional() @Optional() @IsString() @Length(1, 300) title?: string;
  @ApiPropertyOptional() @Optional() @IsString() @Length(1, 200) publisher?: string;
  @IsPartialDate({ optional: true }) publishedOn?: string;
}

export class PlaceDto {
  @ApiPropertyOptional() @Optional() @IsString() @Length(1, 200) city?: string;
  @IsCountryCode({ optional: true }) country?: string;
}

/** Fields every development kind has. */
export class DevelopmentBaseDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Idempotency key and the development id' })
  @Optional()
  @IsUUID('all')
  id?: string;

  @IsPartialDate() occurredOn!: string;
  @IsPartialDate({ optional: true }) endsOn?: string;

  @ApiProperty({ minLength: 1, maxLength: 200 }) @IsString() @Length(1, 200) title!: string;
  @ApiPropertyOptional({ maxLength: 5000 }) @Optional() @IsString() @MaxLength(5000) summary?: string;

  @ApiPropertyOptional({ type: [SourceDto] })
  @Optional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => SourceDto)
  sources?: SourceDto[];

  @ApiPropertyOptional({ type: [String] })
  @Optional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  tags?: string[];
}

export class ParticipantDto {
  @ApiProperty({ example: 'Xi Jinping' }) @IsString() @Length(1, 200) name!: string;
  @IsCountryCode() country!: string;
  @ApiPropertyOptional({ example: 'President' }) @Optional() @IsString() @Length(1, 200) role?: string;
}

export class RecordMeetingDto extends DevelopmentBaseDto {
  @ApiProperty({ type: [ParticipantDto], minItems: 2 })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(100)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => ParticipantDto)
  participants!: ParticipantDto[];

  @ApiPropertyOptional({ type: PlaceDto }) @Optional() @IsObject() @ValidateNested() @Type(() => PlaceDto) location?: PlaceDto;
  @IsOrganizationCode({ optional: true }) organization?: string;
}

export class RecordSummitDto extends DevelopmentBaseDto {
  @IsOrganizationCode() organization!: string;
  @IsCountryCode() host!: string;
  @ApiPropertyOptional({ type: PlaceDto }) @Optional() @IsObject() @ValidateNested() @Type(() => PlaceDto) location?: PlaceDto;
}

export class RecordMembershipApprovalDto extends DevelopmentBaseDto {
  @IsOrganizationCode() organization!: string;
  @IsCountryCode() country!: string;
  @ApiPropertyOptional({ enum: MEMBERSHIP_STATUSES, default: 'member' }) @Optional() @IsIn(MEMBERSHIP_STATUSES) status?: MembershipStatus;
  @IsPartialDate({ optional: true }) effectiveOn?: string;
}

export class RecordMembershipEndingDto extends DevelopmentBaseDto {
  @IsOrganizationCode() organization!: string;
  @IsCountryCode() country!: string;
  @ApiProperty({ enum: MEMBERSHIP_ENDING_REASONS }) @IsIn(MEMBERSHIP_ENDING_REASONS) reason!: MembershipEndingReason;
}

export class RecordPresidencyHandoverDto extends DevelopmentBaseDto {
  @IsOrganizationCode() organization!: string;
  @IsCountryCode({ optional: true }) from?: string;
  @IsCountryCode() to!: string;
  @IsPartialDate({ optional: true }) termEndsOn?: string;
}

export class AbsenteeDto {
  @IsCountryCode() country!: string;
  @ApiProperty({ enum: ABSENCE_REASONS }) @IsIn(ABSENCE_REASONS) reason!: AbsenceReason;
}

export class RecordPeaceSummitDto extends DevelopmentBaseDto {
  @IsCountryCode() host!: string;
  @ApiPropertyOptional({ type: PlaceDto }) @Optional() @IsObject() @ValidateNested() @Type(() => PlaceDto) location?: PlaceDto;
  @ApiPropertyOptional() @Optional() @IsString() @Length(1, 200) conflict?: string;

  @IsCountryCode({ each: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(250)
  attendees!: string[];

  @ApiPropertyOptional({ type: [AbsenteeDto] })
  @Optional()
  @IsArray()
  @ArrayMaxSize(250)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => AbsenteeDto)
  absentees?: AbsenteeDto[];
}

export class CorrectionDto {
  @ApiProperty({ description: 'The fields to change, validated like the fields of the development kind', type: Object })
  @IsObject()
  changes!: Record<string, unknown>;

  @ApiProperty({ minLength: 1, maxLength: 2000 }) @IsString() @Length(1, 2000) reason!: string;

  @ApiPropertyOptional({ type: [SourceDto] })
  @Optional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => SourceDto)
  sources?: SourceDto[];
}

export class RetractionDto {
  @ApiProperty({ minLength: 1, maxLength: 2000 }) @IsString() @Length(1, 2000) reason!: string;
}

/** The body class of each kind, and the partial class its corrections are validated with. */
export const BODY_BY_KIND = {
  meeting: RecordMeetingDto,
  summit: RecordSummitDto,
  'membership-approval': RecordMembershipApprovalDto,
  'membership-ending': RecordMembershipEndingDto,
  'presidency-handover': RecordPresidencyHandoverDto,
  'peace-summit': RecordPeaceSummitDto,
} as const;

export const CHANGES_BY_KIND = {
  meeting: PartialType(RecordMeetingDto),
  summit: PartialType(RecordSummitDto),
  'membership-approval': PartialType(RecordMembershipApprovalDto),
  'membership-ending': PartialType(RecordMembershipEndingDto),
  'presidency-handover': PartialType(RecordPresidencyHandoverDto),
  'peace-summit': PartialType(RecordPeaceSummitDto),
} as const;
