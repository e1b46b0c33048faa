import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  CorrectDevelopmentCommand,
  DevelopmentLocator,
  RecordDevelopmentCommand,
  RetractDevelopmentCommand,
  deterministicUuid,
  type DevelopmentLocation,
  type WriteContext,
  type WriteResult,
} from '@annals/application';
import { canonicalJson, parseChanges, parseRecording, parseSources, type DevelopmentKind } from '@annals/domain';
import { validationFailed } from '../http/problem';
import type { CorrectionDto } from './development.dtos';

/**
 * Turns validated bodies into commands, and runs them. Shared by the endpoints, the NDJSON import and the sample
 * data; the import builds the commands here and writes them in batches.
 */
@Injectable()
export class DevelopmentWrites {
  constructor(
    private readonly commands: CommandBus,
    private readonly locator: DevelopmentLocator,
  ) {}

  /**
   * `idWhenMissing`: `random` for a single write; `derived` for an import, where the same line must be the same
   * development however often it is imported (the id is a hash of the kind and the content).
   */
  recordCommand(
    kind: DevelopmentKind,
    body: unknown,
    context: WriteContext,
    idWhenMissing: 'random' | 'derived' = 'random',
  ): RecordDevelopmentCommand {
    // Validated and normalized by the kind's schema (a DomainError VALIDATION_FAILED names every field at fault).
    const { id, development } = parseRecording(kind, body);
    const chosen =
      id ?? (idWhenMissing === 'derived' ? deterministicUuid(`import:${kind}:${canonicalJson(development.content)}`) : randomUUID());
    // UUIDs compare case-insensitively; one spelling is kept.
    return new RecordDevelopmentCommand(chosen.toLowerCase(), development, context, id !== undefined);
  }

  record(kind: DevelopmentKind, body: unknown, context: WriteContext): Promise<WriteResult> {
    return this.commands.execute(this.recordCommand(kind, body, context));
  }

  /** Locates the development (unless `location` says where it is) and validates the changes as fields of its kind. */
  async correctionCommand(
    id: string,
    body: CorrectionDto,
    context: WriteContext,
    location?: DevelopmentLocation,
  ): Promise<CorrectDevelopmentCommand> {
    const developmentId = id.toLowerCase();
    const sources = body.sources === undefined ? undefined : parseSources(body.sources);
    const located = location ?? (await this.locator.locate(developmentId));
    const changes = body.changes;
    const invalid = Object.entries(changes)
      .filter(([field, value]) => field === 'id' || value === null)
      .map(([field]) => ({
        field: `changes.${field}`,
        message: field === 'id' ? 'the id of a development cannot be corrected' : `changes.${field} must not be null`,
      }));
    if (invalid.length > 0) throw validationFailed(invalid);
    const validated = parseChanges(located.kind, changes);
    return new CorrectDevelopmentCommand(developmentId, validated, body.reason, sources, context, located);
  }

  async correct(id: string, body: CorrectionDto, context: WriteContext): Promise<WriteResult> {
    return this.commands.execute(await this.correctionCommand(id, body, context));
  }

  retractionCommand(
    developmentId: string,
    reason: string,
    context: WriteContext,
    location?: DevelopmentLocation,
  ): RetractDevelopmentCommand {
    return new RetractDevelopmentCommand(developmentId.toLowerCase(), reason, context, location);
  }

  retract(developmentId: string, reason: string, context: WriteContext): Promise<WriteResult> {
    return this.commands.execute(this.retractionCommand(developmentId, reason, context));
  }
}
