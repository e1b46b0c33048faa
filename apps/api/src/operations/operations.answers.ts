import { ApiProperty } from '@nestjs/swagger';

export class ProjectionAnswer {
  @ApiProperty({ example: 'developments' }) name!: string;
  @ApiProperty({ example: 2 }) version!: number;
  @ApiProperty({ example: '81', description: 'The last log position the view includes' }) position!: string;
  @ApiProperty({ example: 0, description: 'Events the view is behind the log' }) lag!: number;
  @ApiProperty({ enum: ['running', 'rebuilding', 'failed'], example: 'running' }) status!: 'running' | 'rebuilding' | 'failed';
  @ApiProperty({
    example: '52953fb38561725e8e2fe96af8ad83923df460c207d94af09a93641846531488',
    description: "A hash of the view's full content: equal for equal content",
  })
  digest!: string;
}

export class RebuildAnswer {
  @ApiProperty({ example: true }) accepted!: boolean;
  @ApiProperty({ type: [String], example: ['organizations', 'developments', 'memberships', 'presidencies'] }) projections!: string[];
}

export class RawEventAnswer {
  @ApiProperty({ example: '20' }) position!: string;
  @ApiProperty({ example: 'organization-SCO' }) stream!: string;
  @ApiProperty({ example: 12 }) revision!: number;
  @ApiProperty({ format: 'uuid', example: '3b0c6a55-2f4e-5a7b-8c91-0d2e4f6a8b1c' }) eventId!: string;
  @ApiProperty({ example: 'MembershipApproved' }) type!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { developmentId: '14bbc946-f1c7-45aa-962a-97c4c326ca7c', organization: 'SCO', country: 'BY', status: 'member' },
  })
  data!: Record<string, unknown>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { actor: 'annals', correlationId: 'sample-data', schemaVersion: 1 },
  })
  metadata!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time', example: '2024-07-04T10:00:00.000Z' }) recordedAt!: string;
}
