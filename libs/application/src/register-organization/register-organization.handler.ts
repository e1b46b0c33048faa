import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { BUILT_IN_ORGANIZATIONS } from '@annals/domain';
import { deterministicUuid } from '../writing/deterministic-id';
import { StreamWriter } from '../writing/stream-writer';
import type { WriteContext, WriteResult } from '../writing/write-context';
import { WritePlanner } from '../writing/write-planner';
import { RegisterOrganizationCommand } from './register-organization.command';

/** An organization's registration opens its stream; the id derives from the code so every replica agrees on it. */
export const organizationDevelopmentId = (code: string) => deterministicUuid(`organization:${code}`);

@CommandHandler(RegisterOrganizationCommand)
export class RegisterOrganizationHandler implements ICommandHandler<RegisterOrganizationCommand, WriteResult> {
  constructor(
    private readonly planner: WritePlanner,
    private readonly writer: StreamWriter,
  ) {}

  execute({ code, name, wikidataId, context }: RegisterOrganizationCommand): Promise<WriteResult> {
    const developmentId = organizationDevelopmentId(code);
    return this.writer.execute(this.planner.register({ developmentId, code, name, ...(wikidataId ? { wikidataId } : {}), context }));
  }
}

/**
 * Records the built-in registry the first time a store is used. Safe to run on every start and on every replica,
 * and cheap on a big log: each organization costs one read of its stream's first event, no replay.
 */
export async function registerBuiltInOrganizations(planner: WritePlanner, writer: StreamWriter, context: WriteContext): Promise<void> {
  for (const organization of BUILT_IN_ORGANIZATIONS) {
    if (await planner.organizationExists(organization.code)) continue;
    const developmentId = organizationDevelopmentId(organization.code);
    const { code, name, wikidataId } = organization;
    await writer
      .execute(planner.register({ developmentId, code, name, ...(wikidataId ? { wikidataId } : {}), context }))
      .catch((error: unknown) => {
        // Another replica registered it first: that is the outcome we wanted.
        if ((error as { code?: string }).code !== 'ORGANIZATION_EXISTS') throw error;
      });
  }
}
