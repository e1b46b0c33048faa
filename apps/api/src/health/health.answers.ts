import { ApiProperty } from '@nestjs/swagger';

const checks = {
  type: 'object' as const,
  additionalProperties: {
    type: 'object',
    properties: { status: { type: 'string', enum: ['up', 'down'] } },
    required: ['status'],
    additionalProperties: true,
  },
};

export class HealthAnswer {
  @ApiProperty({ enum: ['ok'], example: 'ok' }) status!: 'ok';
  @ApiProperty({ ...checks, example: { eventStore: { status: 'up' }, readStore: { status: 'up' }, projections: { status: 'up', lag: 0 } } })
  info!: Record<string, unknown>;
  @ApiProperty({ ...checks, example: {} }) error!: Record<string, unknown>;
  @ApiProperty({ ...checks, example: { eventStore: { status: 'up' }, readStore: { status: 'up' }, projections: { status: 'up', lag: 0 } } })
  details!: Record<string, unknown>;
}
