import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FieldErrorDto, PROBLEM_CODES } from '../http/problem.docs';

export class RejectedLineAnswer {
  @ApiProperty({ example: 3, minimum: 1, description: 'Line number, counting from 1' }) line!: number;
  @ApiProperty({ enum: PROBLEM_CODES, enumName: 'ProblemCode', example: 'MEMBERSHIP_ALREADY_ACTIVE' }) code!: string;
  @ApiPropertyOptional({ type: [FieldErrorDto] }) errors?: FieldErrorDto[];
  @ApiPropertyOptional({ example: 'BY already holds the SCO membership on 2024-07-04' }) detail?: string;
}

export class ImportAnswer {
  @ApiProperty({ example: 2, description: 'Lines recorded now' }) accepted!: number;
  @ApiProperty({ example: 1, description: 'Lines already recorded with the same content: nothing appended for them' })
  alreadyRecorded!: number;
  @ApiProperty({ type: [RejectedLineAnswer] }) rejected!: RejectedLineAnswer[];
  @ApiProperty({
    type: String,
    nullable: true,
    example: '84',
    description: 'Position of the last write, for `minPosition`; null when nothing was written',
  })
  position!: string | null;
}
