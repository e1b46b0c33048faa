import { Injectable } from '@nestjs/common';
import {
  StreamWriter,
  WritePlanner,
  deterministicUuid,
  organizationDevelopmentId,
  type WriteContext,
  type WritePlan,
  type WriteResult,
} from '@annals/application';
import { DEVELOPMENT_KINDS, DomainError, canonicalJson, isDevelopmentKind, type FieldError } from '@annals/domain';
import { DevelopmentWrites } from '../developments/development-writes';
import { CorrectionDto, RetractionDto } from '../developments/development.dtos';
import { inspectJson } from '../http/json-guard';
import { ProblemException, validateAs } from '../http/problem';
import { RegisterOrganizationDto } from '../organizations/organization.dtos';

export interface ImportReport {
  /** Lines recorded now. */
  accepted: number;
  /** Lines whose development was already recorded with the same content: nothing appended for them. */
  alreadyRecorded: number;
  rejected: Array<{ line: number; code: string; errors?: readonly FieldError[]; detail?: string }>;
  /** The position of the last write, for read-your-writes. */
  position: string | null;
}

/**
 * Lines are decided in slices of a few milliseconds, with other requests served in between, and committed in
 * chunks: one group commit (one fsync) per chunk. A chunk commits (on the store's writer thread) while the next
 * one is decided; it stays small enough that a single write queued behind it waits a few milliseconds only.
 */
const SLICE_MS = 4;
const CHUNK_LINES = 100;
const CHUNK_MS = 60;

interface Decided {
  readonly line: number;
  readonly answer: Promise<WriteResult>;
}

/**
 * NDJSON import: one development a line, `{ "kind": …, …the body of that kind… }`, each judged on its own, in
 * order. Also `correction`, `retraction` and `organization` lines, so a whole dataset fits in one file.
 *
 * Lines are decided one by one against the state the earlier lines made (the write batch keeps it), and
 * committed in chunks of up to a hundred lines: one append per stream and one group commit per chunk, each chunk
 * committing while the next is decided, so an import runs at the store's pace without holding up the requests of
 * others (they are served between slices of deciding, and a single write never waits for a chunk's decisions
 * unless it writes a stream the chunk holds). A line without `id` gets one derived from its content: importing
 * the same file twice records nothing the second time.
 */
@Injectable()
export class NdjsonImport {
  constructor(
    private readonly writes: DevelopmentWrites,
    private readonly planner: WritePlanner,
    private readonly writer: StreamWriter,
  ) {}

  async run(lines: Iterable<string> | AsyncIterable<string>, context: WriteContext): Promise<ImportReport> {
    const report: ImportReport = { accepted: 0, alreadyRecorded: 0, rejected: [], position: null };
    let batch = this.writer.batch();
    let decided: Decided[] = [];
    /** The chunk committing while the next one is decided: at most one, so memory stays bounded. */
    let committing: Promise<void> = Promise.resolve();
    let chunkStarted = performance.now();
    let sliceStarted = chunkStarted;
    const yieldTurn = async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStarted = performance.now();
    };
    const settle = async () => {
      const [chunk, current] = [decided, batch];
      batch = this.writer.batch();
      decided = [];
      // Appended only once the chunk before is in: a single write that arrived meanwhile commits before this chunk,
      // so it waits for one chunk's commit at most.
      await committing;
      committing = current.commit().then(async () => {
        for (const item of chunk) await this.count(report, item);
      });
      await yieldTurn();
      chunkStarted = sliceStarted;
    };
    const settleAll = async () => {
      await settle();
      await committing;
    };
    let number = 0;
    try {
      for await (const raw of lines) {
        number++;
        const text = raw.trim();
        if (text === '') continue;
        const lineContext = { ...context, causationId: `${context.correlationId}:${number}` };
        try {
          const parsed = parseLine(text);
          if (parsed.kind === 'organization') {
            // Later lines may name the new organization: everything before it is committed first.
            await settleAll();
            await this.count(report, { line: number, answer: this.organization(parsed.body, lineContext) });
            continue;
          }
          const plan = await this.plan(parsed, lineContext);
          const { answer } = await batch.add(plan);
          decided.push({ line: number, answer });
        } catch (error) {
          reject(report, number, error);
        }
        const now = performance.now();
        if (decided.length >= CHUNK_LINES || now - chunkStarted > CHUNK_MS) await settle();
        else if (now - sliceStarted > SLICE_MS) await yieldTurn();
      }
      await settleAll();
    } catch (error) {
      batch.abandon(error);
      // The chunk already committing is let finish: its lines are recorded (or not) as they would be.
      await committing.catch(() => undefined);
      throw error;
    }
    // A chunk's refusals at its commit come after the next chunk's refusals at deciding: in line order again.
    report.rejected.sort((a, b) => a.line - b.line);
    return report;
  }

  /** Waits for a decided line's answer and counts it. */
  private async count(report: ImportReport, item: Decided): Promise<void> {
    try {
      const result = await item.answer;
      if (result.created) report.accepted++;
      else report.alreadyRecorded++;
      // The highest position of the import: views that reached it include every line.
      if (report.position === null || BigInt(result.position) > BigInt(report.position)) report.position = result.position;
    } catch (error) {
      reject(report, item.line, error);
    }
  }

  private async plan(parsed: ParsedLine, context: WriteContext): Promise<WritePlan<unknown>> {
    const { kind, body } = parsed;
    // A change's event id derives from the line: importing the same correction again finds it already recorded.
    const eventId = () => deterministicUuid(`import:${kind}:${canonicalJson(body)}`);
    if (kind === 'correction') {
      const { developmentId, ...rest } = body;
      const id = String(developmentId).toLowerCase();
      const command = await this.writes.correctionCommand(id, validateAs(CorrectionDto, rest), context);
      return { ...(await this.planner.correct(command)), eventId: eventId() };
    }
    if (kind === 'retraction') {
      const { developmentId, ...rest } = body;
      const id = String(developmentId).toLowerCase();
      const plan = await this.planner.retract(this.writes.retractionCommand(id, validateAs(RetractionDto, rest).reason, context));
      return { ...plan, eventId: eventId() };
    }
    if (!isDevelopmentKind(kind)) {
      throw new ProblemException('VALIDATION_FAILED', `kind must be one of ${DEVELOPMENT_KINDS.join(', ')}`, [
        { field: 'kind', message: `kind must be one of ${DEVELOPMENT_KINDS.join(', ')}` },
      ]);
    }
    const command = this.writes.recordCommand(kind, body, context, 'derived');
    return this.planner.record(command);
  }

  private organization(body: Record<string, unknown>, context: WriteContext): Promise<WriteResult> {
    const dto = validateAs(RegisterOrganizationDto, body);
    const developmentId = organizationDevelopmentId(dto.code);
    return this.writer.execute(
      this.planner.register({
        developmentId,
        code: dto.code,
        name: dto.name,
        ...(dto.wikidataId ? { wikidataId: dto.wikidataId } : {}),
        context,
      }),
    );
  }
}

interface ParsedLine {
  readonly kind: string;
  readonly body: Record<string, unknown>;
}

function parseLine(text: string): ParsedLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ProblemException('VALIDATION_FAILED', 'The line is not valid JSON', [{ field: 'line', message: 'not valid JSON' }]);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ProblemException('VALIDATION_FAILED', 'A line must be a JSON object', [{ field: 'line', message: 'must be a JSON object' }]);
  }
  const refused = inspectJson(parsed);
  if (refused) throw new ProblemException('VALIDATION_FAILED', refused, [{ field: 'line', message: refused }]);
  const { kind, ...body } = parsed as Record<string, unknown>;
  return { kind: typeof kind === 'string' ? kind : '', body };
}

function reject(report: ImportReport, line: number, error: unknown): void {
  if (error instanceof ProblemException)
    report.rejected.push({ line, code: error.code, ...(error.errors ? { errors: error.errors } : {}), detail: error.detail });
  else if (error instanceof DomainError)
    report.rejected.push({ line, code: error.code, ...(error.errors ? { errors: error.errors } : {}), detail: error.message });
  // Never leave a half-reported import: later lines go on, and the client learns which line failed.
  else report.rejected.push({ line, code: 'INTERNAL_ERROR', detail: 'The line could not be recorded' });
}
