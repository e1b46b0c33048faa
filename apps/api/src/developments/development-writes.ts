import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  CorrectDevelopmentCommand,
  DevelopmentLocator,
  RecordDevelopmentCommand,
  RetractDevelopmentCommand,
  type WriteContext,
  type WriteResult,
} from '@annals/application';
import type { Development, DevelopmentKind, Source } from '@annals/domain';
import { validateAs, validationFailed } from '../http/problem';
import { BODY_BY_KIND, CHANGES_BY_KIND, type CorrectionDto, type DevelopmentBaseDto } from './development.dtos';

/** Plain JSON without undefined fields or class prototypes: what goes into an event. */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Turns validated bodies into commands. Shared by the endpoints, the NDJSON import and the sample data. */
@Injectable()
export class DevelopmentWrites {
  constructor(
    private readonly commands: CommandBus,
    private readonly locator: DevelopmentLocator,
  ) {}

  record(kind: DevelopmentKind, body: DevelopmentBaseDto, context: WriteContext): Promise<WriteResult> {
    const { id, ...content } = plain(body) as DevelopmentBaseDto & Record<string, unknown>;
    if (kind === 'membership-approval' && content.status === undefined) content.status = 'member';
    const development = { kind, content } as unknown as Development;
    // UUIDs compare case-insensitively; one spelling is kept.
    return this.commands.execute(new RecordDevelopmentCommand((id ?? randomUUID()).toLowerCase(), development, context, id !== undefined));
  }

  /** Validates and records a body given as plain JSON (an NDJSON line). */
  recordPlain(kind: DevelopmentKind, body: unknown, context: WriteContext): Promise<WriteResult> {
    return this.record(kind, validateAs<DevelopmentBaseDto>(BODY_BY_KIND[kind], body), context);
  }

  async correct(id: string, body: CorrectionDto, context: WriteContext): Promise<WriteResult> {
    const developmentId = id.toLowerCase();
    const { kind } = await this.locator.locate(developmentId);
    const changes = body.changes;
    const invalid = Object.entries(changes)
      .filter(([field, value]) => field === 'id' || value === null)
      .map(([field]) => ({
        field: `changes.${field}`,
        message: field === 'id' ? 'the id of a development cannot be corrected' : `changes.${field} must not be null`,
      }));
    if (invalid.length > 0) throw validationFailed(invalid);
    const validated = plain(validateAs<object>(CHANGES_BY_KIND[kind], changes, 'changes')) as Record<string, unknown>;
    const sources = body.sources ? (plain(body.sources) as Source[]) : undefined;
    return this.commands.execute(new CorrectDevelopmentCommand(developmentId, validated, body.reason, sources, context));
  }

  retract(developmentId: string, reason: string, context: WriteContext): Promise<WriteResult> {
    return this.commands.execute(new RetractDevelopmentCommand(developmentId.toLowerCase(), reason, context));
  }
}
