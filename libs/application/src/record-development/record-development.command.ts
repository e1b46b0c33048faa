import type { Development } from '@annals/domain';
import type { WriteContext } from '../writing/write-context';

export class RecordDevelopmentCommand {
  constructor(
    readonly developmentId: string,
    readonly development: Development,
    readonly context: WriteContext,
    /** True when the client chose the id: a retry may then be idempotent. */
    readonly clientId: boolean,
  ) {}
}
