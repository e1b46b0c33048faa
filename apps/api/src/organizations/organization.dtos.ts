import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { IsOrganizationCode, Optional } from '../http/validation.decorators';

export class RegisterOrganizationDto {
  @IsOrganizationCode() code!: string;
  @ApiProperty({ example: 'Conference on Interaction and Confidence-Building Measures in Asia' })
  @IsString()
  @Length(1, 200)
  name!: string;
  @ApiPropertyOptional({ example: 'Q485207', description: 'The Wikidata item, e.g. Q485207 for the SCO' })
  @Optional()
  @Matches(/^Q[1-9]\d{0,11}$/, { message: 'wikidataId must look like Q485207' })
  wikidataId?: string;
}
