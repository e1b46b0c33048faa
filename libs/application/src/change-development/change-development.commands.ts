import type { Source } from '@annals/domain';
import type { DevelopmentLocation } from '../writing/development-locator';
import type { WriteContext } from '../writing/write-context';

export class CorrectDevelopmentCommand {
  constructor(
    readonly developmentId: string,
    readonly changes: Record<string, unknown>,
    readonly reason: string,
    readonly sources: readonly Source[] | undefined,
    readonly context: WriteContext,
    /** Where the development lives, when the caller already looked it up. */
    readonly location?: DevelopmentLocation,
  ) {}
}

export class RetractDevelopmentCommand {
  constructor(
    readonly developmentId: string,
    readonly reason: string,
    readonly context: WriteContext,
    readonly location?: DevelopmentLocation,
  ) {}
}
