import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  DomainError,
  decideOrganization,
  decideStandalone,
  evolveOrganization,
  evolveStandalone,
  initialOrganizationState,
  isOrganizationKind,
  organizationOf,
  type OrganizationState,
  type StandaloneState,
} from '@annals/domain';
import { READ_STORE, type ReadStore } from '../ports/read-store.port';
import { StreamWriter, type Appended, type Loaded } from '../writing/stream-writer';
import { developmentStream, organizationStream } from '../writing/streams';
import type { WriteResult } from '../writing/write-context';
import { RecordDevelopmentCommand } from './record-development.command';

@CommandHandler(RecordDevelopmentCommand)
export class RecordDevelopmentHandler implements ICommandHandler<RecordDevelopmentCommand, WriteResult> {
  constructor(
    private readonly writer: StreamWriter,
    @Inject(READ_STORE) private readonly views: ReadStore,
  ) {}

  async execute(command: RecordDevelopmentCommand): Promise<WriteResult> {
    const { development, developmentId, context } = command;
    const organization = organizationOf(development);
    if (organization) await this.requireOrganization(organization);
    const stream = isOrganizationKind(development.kind) ? organizationStream(organization!) : developmentStream(developmentId);
    if (command.clientId) await this.rejectIdUsedElsewhere(developmentId, stream);

    const answer = (loaded: Loaded<unknown>, appended: Appended | undefined): WriteResult => {
      if (appended) {
        return {
          developmentId,
          kind: development.kind,
          eventId: appended.eventIds[0]!,
          stream,
          revision: Number(appended.revision),
          position: appended.position.toString(),
          created: true,
        };
      }
      const original = loaded.creations.get(developmentId)!;
      return {
        developmentId,
        kind: development.kind,
        eventId: original.eventId,
        stream,
        revision: Number(original.revision),
        position: original.position.toString(),
        created: false,
      };
    };

    if (isOrganizationKind(development.kind)) {
      return this.writer.execute<OrganizationState, WriteResult>({
        stream,
        initial: () => initialOrganizationState(organization!),
        evolve: evolveOrganization,
        decide: (state) => decideOrganization({ type: 'RecordDevelopment', developmentId, development }, state),
        context,
        answer,
      });
    }
    return this.writer.execute<StandaloneState, WriteResult>({
      stream,
      initial: () => undefined,
      evolve: evolveStandalone,
      decide: (state) => decideStandalone({ type: 'RecordDevelopment', developmentId, development }, state),
      context,
      answer,
    });
  }

  private async requireOrganization(code: string): Promise<void> {
    const loaded = await this.writer.load(organizationStream(code), () => initialOrganizationState(code), evolveOrganization);
    if (!loaded.state.registration) throw new DomainError('UNKNOWN_ORGANIZATION', `Unknown organization ${code}`);
  }

  /** A client id is one development: reusing it for another kind or organization is a conflict. */
  private async rejectIdUsedElsewhere(developmentId: string, stream: string): Promise<void> {
    const standalone = developmentStream(developmentId);
    if (stream !== standalone && (await this.writer.readStream(standalone)).length > 0) {
      throw new DomainError('IDEMPOTENCY_CONFLICT', `Development ${developmentId} was already recorded with other content`);
    }
    const known = await this.views.locate(developmentId);
    if (known && known.stream !== stream) {
      throw new DomainError('IDEMPOTENCY_CONFLICT', `Development ${developmentId} was already recorded with other content`);
    }
  }
}
