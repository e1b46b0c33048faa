import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsString, Length } from 'class-validator';
import { Optional } from '../http/validation.decorators';

/*
 * The bodies of recordings are the kinds' schemas (`libs/domain/src/kinds`), validated by `parseRecording`; these
 * are the envelopes of the other writes, validated by the global pipe.
 */

export class CorrectionDto {
  @ApiProperty({ description: 'The fields to change, validated like the fields of the development kind', type: Object })
  @IsObject()
  changes!: Record<string, unknown>;

  @ApiProperty({ minLength: 1, maxLength: 2000 }) @IsString() @Length(1, 2000) reason!: string;

  /** Validated as a recording's sources (the `Source` schema of the kinds). */
  @ApiPropertyOptional({ type: 'array', items: { $ref: '#/components/schemas/Source' }, maxItems: 20 })
  @Optional()
  sources?: unknown;
}

export class RetractionDto {
  @ApiProperty({ minLength: 1, maxLength: 2000 }) @IsString() @Length(1, 2000) reason!: string;
}

