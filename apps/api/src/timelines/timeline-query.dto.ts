import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { DEVELOPMENT_KINDS, type DevelopmentKind } from '@annals/domain';
import { IsCountryCode, IsOrganizationCode, IsPartialDate } from '../http/validation.decorators';

export const EXPORT_FORMATS = ['json', 'csv', 'ics', 'timelinejs'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const KINDS_PATTERN = new RegExp(`^(${DEVELOPMENT_KINDS.join('|')})(,(${DEVELOPMENT_KINDS.join('|')}))*$`);

/** Query parameters shared by every timeline and the search. */
export class TimelineQueryDto {
  @IsPartialDate({ optional: true }) from?: string;
  @IsPartialDate({ optional: true }) to?: string;

  @ApiPropertyOptional({ description: `Comma-separated kinds: ${DEVELOPMENT_KINDS.join(', ')}` })
  @IsOptional()
  @Matches(KINDS_PATTERN, { message: `kind must be a comma-separated list of ${DEVELOPMENT_KINDS.join(', ')}` })
  kind?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque, from nextCursor' }) @IsOptional() @IsString() @MaxLength(500) cursor?: string;
  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' }) @IsOptional() @IsIn(['asc', 'desc']) order?: 'asc' | 'desc';

  @ApiPropertyOptional({ description: 'ISO instant: the timeline as recorded then' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/(Z|[+-]\d{2}:?\d{2})$/, { message: 'asKnownAt must be an ISO instant with a time zone, e.g. 2024-07-04T12:00:00Z' })
  asKnownAt?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'false' }) @IsOptional() @IsIn(['true', 'false']) includeRetracted?:
    'true' | 'false';
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'json' }) @IsOptional() @IsIn(EXPORT_FORMATS) format?: ExportFormat;
  @ApiPropertyOptional({ description: 'A write position: answer only from views that include it' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  minPosition?: string;

  get kinds(): DevelopmentKind[] | undefined {
    return this.kind ? (this.kind.split(',') as DevelopmentKind[]) : undefined;
  }
}

export class SearchQueryDto extends TimelineQueryDto {
  @IsOrganizationCode({ optional: true }) organization?: string;
  @IsCountryCode({ optional: true }) country?: string;
  @ApiPropertyOptional({ description: 'Words in the title, summary or tags' }) @IsOptional() @IsString() @MaxLength(200) q?: string;
}

/** `asOf` / `asKnownAt` / `minPosition` for member, presidency and detail reads. */
export class AsOfQueryDto {
  @IsPartialDate({ optional: true }) asOf?: string;

  @ApiPropertyOptional({ description: 'ISO instant: as recorded then' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/(Z|[+-]\d{2}:?\d{2})$/, { message: 'asKnownAt must be an ISO instant with a time zone, e.g. 2024-07-04T12:00:00Z' })
  asKnownAt?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(40) minPosition?: string;
}
