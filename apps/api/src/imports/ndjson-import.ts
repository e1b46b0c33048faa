import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RegisterOrganizationCommand, type WriteContext } from '@annals/application';
import { DEVELOPMENT_KINDS, DomainError, type DevelopmentKind, type FieldError } from '@annals/domain';
import { DevelopmentWrites } from '../developments/development-writes';
import { CorrectionDto, RetractionDto } from '../developments/development.dtos';
import { inspectJson } from '../http/json-guard';
import { ProblemException, validateAs } from '../http/problem';
import { RegisterOrganizationDto } from '../organizations/organizations.controller';

export interface ImportReport {
  accepted: number;
  rejected: Array<{ line: number; code: string; errors?: readonly FieldError[]; detail?: string }>;
  /** The position of the last accepted write, for read-your-writes. */
  position: string | null;
}

/**
 * NDJSON import: one development a line, `{ "kind": …, …the body of that kind… }`, each judged on its own,
 * in order. Also `correction`, `retraction` and `organization` lines, so a whole dataset fits in one file.
 */
@Injectable()
export class NdjsonImport {
  constructor(
    private readonly writes: DevelopmentWrites,
    private readonly commands: CommandBus,
  ) {}

  async run(lines: Iterable<string> | AsyncIterable<string>, context: WriteContext): Promise<ImportReport> {
    const report: ImportReport = { accepted: 0, rejected: [], position: null };
    let number = 0;
    for await (const raw of lines) {
      number++;
      const text = raw.trim();
      if (text === '') continue;
      try {
        const position = await this.line(text, { ...context, causationId: `${context.correlationId}:${number}` });
        report.accepted++;
        report.position = position;
      } catch (error) {
        if (error instanceof ProblemException)
          report.rejected.push({ line: number, code: error.code, ...(error.errors ? { errors: error.errors } : {}), detail: error.detail });
        else if (error instanceof DomainError)
          report.rejected.push({
            line: number,
            code: error.code,
            ...(error.errors ? { errors: error.errors } : {}),
            detail: error.message,
          });
        // Never leave a half-reported import: later lines go on, and the client learns which line failed.
        else report.rejected.push({ line: number, code: 'INTERNAL_ERROR', detail: 'The line could not be recorded' });
      }
    }
    return report;
  }

  private async line(text: string, context: WriteContext): Promise<string> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ProblemException('VALIDATION_FAILED', 'The line is not valid JSON', [{ field: 'line', message: 'not valid JSON' }]);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new ProblemException('VALIDATION_FAILED', 'A line must be a JSON object', [
        { field: 'line', message: 'must be a JSON object' },
      ]);
    }
    const refused = inspectJson(parsed);
    if (refused) throw new ProblemException('VALIDATION_FAILED', refused, [{ field: 'line', message: refused }]);
    const { kind, ...body } = parsed as Record<string, unknown>;
    if (kind === 'correction') {
      const { developmentId, ...rest } = body;
      const dto = validateAs(CorrectionDto, rest);
      return (await this.writes.correct(String(developmentId), dto, context)).position;
    }
    if (kind === 'retraction') {
      const { developmentId, ...rest } = body;
      const dto = validateAs(RetractionDto, rest);
      return (await this.writes.retract(String(developmentId), dto.reason, context)).position;
    }
    if (kind === 'organization') {
      const dto = validateAs(RegisterOrganizationDto, body);
      const result = await this.commands.execute<RegisterOrganizationCommand, { position: string }>(
        new RegisterOrganizationCommand(dto.code, dto.name, dto.wikidataId, context),
      );
      return result.position;
    }
    if (typeof kind !== 'string' || !(DEVELOPMENT_KINDS as readonly string[]).includes(kind)) {
      throw new ProblemException('VALIDATION_FAILED', `kind must be one of ${DEVELOPMENT_KINDS.join(', ')}`, [
        { field: 'kind', message: `kind must be one of ${DEVELOPMENT_KINDS.join(', ')}` },
      ]);
    }
    return (await this.writes.recordPlain(kind as DevelopmentKind, body, context)).position;
  }
}
