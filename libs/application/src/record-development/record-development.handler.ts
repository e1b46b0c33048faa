import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { StreamWriter } from '../writing/stream-writer';
import type { WriteResult } from '../writing/write-context';
import { WritePlanner } from '../writing/write-planner';
import { RecordDevelopmentCommand } from './record-development.command';

@CommandHandler(RecordDevelopmentCommand)
export class RecordDevelopmentHandler implements ICommandHandler<RecordDevelopmentCommand, WriteResult> {
  constructor(
    private readonly planner: WritePlanner,
    private readonly writer: StreamWriter,
  ) {}

  async execute(command: RecordDevelopmentCommand): Promise<WriteResult> {
    return this.writer.execute(await this.planner.record(command));
  }
}
