import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { StreamWriter } from '../writing/stream-writer';
import type { WriteResult } from '../writing/write-context';
import { WritePlanner } from '../writing/write-planner';
import { CorrectDevelopmentCommand, RetractDevelopmentCommand } from './change-development.commands';

/** Corrections: appended to the stream of the development they change, checked by its decider. */
@CommandHandler(CorrectDevelopmentCommand)
export class CorrectDevelopmentHandler implements ICommandHandler<CorrectDevelopmentCommand, WriteResult> {
  constructor(
    private readonly planner: WritePlanner,
    private readonly writer: StreamWriter,
  ) {}

  async execute(command: CorrectDevelopmentCommand): Promise<WriteResult> {
    return this.writer.execute(await this.planner.correct(command));
  }
}

/** Retractions: like corrections, never blocked by the facts around them. */
@CommandHandler(RetractDevelopmentCommand)
export class RetractDevelopmentHandler implements ICommandHandler<RetractDevelopmentCommand, WriteResult> {
  constructor(
    private readonly planner: WritePlanner,
    private readonly writer: StreamWriter,
  ) {}

  async execute(command: RetractDevelopmentCommand): Promise<WriteResult> {
    return this.writer.execute(await this.planner.retract(command));
  }
}
