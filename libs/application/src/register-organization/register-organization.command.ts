import type { WriteContext } from '../writing/write-context';

export class RegisterOrganizationCommand {
  constructor(
    readonly code: string,
    readonly name: string,
    readonly wikidataId: string | undefined,
    readonly context: WriteContext,
  ) {}
}
