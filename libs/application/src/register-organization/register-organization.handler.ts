import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  BUILT_IN_ORGANIZATIONS,
  decideOrganization,
  evolveOrganization,
  initialOrganizationState,
  type OrganizationState,
} from '@annals/domain';
import { deterministicUuid } from '../writing/deterministic-id';
import { StreamWriter } from '../writing/stream-writer';
import { organizationStream } from '../writing/streams';
import type { WriteContext, WriteResult } from '../writing/write-context';
import { RegisterOrganizationCommand } from './register-organization.command';

/** An organization's registration opens its stream; the id derives from the code so every replica agrees on it. */
export const organizationDevelopmentId = (code: string) => deterministicUuid(`organization:${code}`);

@CommandHandler(RegisterOrganizationCommand)
export class RegisterOrganizationHandler implements ICommandHandler<RegisterOrganizationCommand, WriteResult> {
  constructor(private readonly writer: StreamWriter) {}

  execute({ code, name, wikidataId, context }: RegisterOrganizationCommand): Promise<WriteResult> {
    const stream = organizationStream(code);
    const developmentId = organizationDevelopmentId(code);
    return this.writer.execute<OrganizationState, WriteResult>({
      stream,
      initial: () => initialOrganizationState(code),
      evolve: evolveOrganization,
      decide: (state) =>
        decideOrganization({ type: 'RegisterOrganization', developmentId, code, name, ...(wikidataId ? { wikidataId } : {}) }, state),
      context,
      answer: (_, appended) => ({
        developmentId,
        kind: 'organization',
        eventId: appended!.eventIds[0]!,
        stream,
        revision: Number(appended!.revision),
        position: appended!.position.toString(),
        created: true,
      }),
    });
  }
}

/** Records the built-in registry the first time a store is used. Safe to run on every start and on every replica. */
export async function registerBuiltInOrganizations(writer: StreamWriter, context: WriteContext): Promise<void> {
  for (const organization of BUILT_IN_ORGANIZATIONS) {
    const stream = organizationStream(organization.code);
    const loaded = await writer.load(stream, () => initialOrganizationState(organization.code), evolveOrganization);
    if (loaded.state.registration) continue;
    const handler = new RegisterOrganizationHandler(writer);
    await handler
      .execute(new RegisterOrganizationCommand(organization.code, organization.name, organization.wikidataId, context))
      .catch((error: unknown) => {
        // Another replica registered it first: that is the outcome we wanted.
        if ((error as { code?: string }).code !== 'ORGANIZATION_EXISTS') throw error;
      });
  }
}
