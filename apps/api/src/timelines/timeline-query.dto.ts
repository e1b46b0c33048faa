import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { DEVELOPMENT_KINDS, type DevelopmentKind } from '@annals/domain';
import { IsCountryCode, IsOrganizationCode, IsPartialDate, Optional } from '../http/validation.decorators';

export const EXPORT_FORMATS = ['json', 'csv', 'ics', 'timelinejs'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const KINDS_PATTERN = new RegExp(`^(${DEVELOPMENT_KINDS.join('|')})(,(${DEVELOPMENT_KINDS.join('|')}))*$`);

/** Query parameters shared by every timeline and the search. */
export class TimelineQueryDto {
  @IsPartialDate({ optional: true }) from?: string;
  @IsPartialDate({ optional: true }) to?: string;

  @ApiPropertyOptional({ description: `Comma-separated kinds: ${DEVELOPMENT_KINDS.join(', ')}` })
  @Optional()
  @Matches(KINDS_PATTERN, { message: `kind must be a comma-separated list of ${DEVELOPMENT_KINDS.join(', ')}` })
  kind?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @Optional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque, from nextCursor' }) @Optional() @IsString() @MaxLength(500) cursor?: string;
  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' }) @Optional() @IsIn(['asc', 'desc']) order?: 'asc' | 'desc';

  @ApiPropertyOptional({ description: 'ISO instant: the timeline as recorded then' })
  @Optional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/, {
    message: 'asKnownAt must be an ISO instant with a time zone, e.g. 2024-07-04T12:00:00Z',
  })
  asKnownAt?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'false' }) @Optional() @IsIn(['true', 'false']) includeRetracted?:
    'true' | 'false';
  @ApiPropertyOptional({ enum: EXPORT_FORMATS, default: 'json' }) @Optional() @IsIn(EXPORT_FORMATS) format?: ExportFormat;
  @ApiPropertyOptional({ description: 'A write position: answer only from views that include it' })
  @Optional()
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
  @ApiPropertyOptional({
    description:
      'Words that must all appear in the title, summary or tags, case and accents ignored (é = e). Each word matches ' +
      'the start of a word of the text (`energ` finds "energy"); punctuation only separates words, and a q without ' +
      'any letter or digit matches nothing. At most 10 words are used.',
    example: 'energy pipeline',
  })
  @Optional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

/** `asOf` / `asKnownAt` / `minPosition` for member, presidency and detail reads. */
export class AsOfQueryDto {
  @IsPartialDate({ optional: true }) asOf?: string;

  @ApiPropertyOptional({ description: 'ISO instant: as recorded then' })
  @Optional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/, {
    message: 'asKnownAt must be an ISO instant with a time zone, e.g. 2024-07-04T12:00:00Z',
  })
  asKnownAt?: string;

  @ApiPropertyOptional() @Optional() @IsString() @MaxLength(40) minPosition?: string;
}
