import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  DomainError,
  decideOrganization,
  decideStandalone,
  evolveOrganization,
  evolveStandalone,
  initialOrganizationState,
  type DevelopmentCommand,
  type OrganizationState,
  type StandaloneState,
} from '@annals/domain';
import { DevelopmentLocator } from '../writing/development-locator';
import { StreamWriter, type Appended } from '../writing/stream-writer';
import { organizationOfStream, organizationStream } from '../writing/streams';
import type { WriteContext, WriteResult } from '../writing/write-context';
import { CorrectDevelopmentCommand, RetractDevelopmentCommand } from './change-development.commands';

/** Corrections and retractions: appended to the stream of the development they change, checked by its decider. */
async function change(
  writer: StreamWriter,
  locator: DevelopmentLocator,
  command: DevelopmentCommand,
  context: WriteContext,
): Promise<WriteResult> {
  const stream = await locator.streamOf(command.developmentId);
  // A meeting's occasion may be corrected, but only to an organization that exists.
  const occasion = command.type === 'CorrectDevelopment' ? command.changes.organization : undefined;
  if (typeof occasion === 'string') {
    const loaded = await writer.load(organizationStream(occasion), () => initialOrganizationState(occasion), evolveOrganization);
    if (!loaded.state.registration) throw new DomainError('UNKNOWN_ORGANIZATION', `Unknown organization ${occasion}`);
  }
  const organization = organizationOfStream(stream);
  let kind = '';
  const answer = (appended: Appended | undefined): WriteResult => ({
    developmentId: command.developmentId,
    kind,
    eventId: appended!.eventIds[0]!,
    stream,
    revision: Number(appended!.revision),
    position: appended!.position.toString(),
    created: true,
  });
  if (organization) {
    return writer.execute<OrganizationState, WriteResult>({
      stream,
      initial: () => initialOrganizationState(organization),
      evolve: evolveOrganization,
      decide: (state) => {
        kind = state.developments.get(command.developmentId)?.kind ?? '';
        return decideOrganization(command, state);
      },
      context,
      answer: (_, appended) => answer(appended),
    });
  }
  return writer.execute<StandaloneState, WriteResult>({
    stream,
    initial: () => undefined,
    evolve: evolveStandalone,
    decide: (state) => {
      kind = state?.kind ?? '';
      return decideStandalone(command, state);
    },
    context,
    answer: (_, appended) => answer(appended),
  });
}

@CommandHandler(CorrectDevelopmentCommand)
export class CorrectDevelopmentHandler implements ICommandHandler<CorrectDevelopmentCommand, WriteResult> {
  constructor(
    private readonly writer: StreamWriter,
    private readonly locator: DevelopmentLocator,
  ) {}

  execute({ developmentId, changes, reason, sources, context }: CorrectDevelopmentCommand): Promise<WriteResult> {
    return change(
      this.writer,
      this.locator,
      { type: 'CorrectDevelopment', developmentId, changes, reason, ...(sources ? { sources } : {}) },
      context,
    );
  }
}

@CommandHandler(RetractDevelopmentCommand)
export class RetractDevelopmentHandler implements ICommandHandler<RetractDevelopmentCommand, WriteResult> {
  constructor(
    private readonly writer: StreamWriter,
    private readonly locator: DevelopmentLocator,
  ) {}

  execute({ developmentId, reason, context }: RetractDevelopmentCommand): Promise<WriteResult> {
    return change(this.writer, this.locator, { type: 'RetractDevelopment', developmentId, reason }, context);
  }
}
