import { decodePosition, type RecordedEvent } from '../ports/event-store.port';

/** A line of an export that cannot be restored: where, and why. Nothing is written when one is found. */
export class DamagedExportError extends Error {
  readonly code = 'DAMAGED_EXPORT';
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'DamagedExportError';
  }
}

const KEYS = ['position', 'stream', 'revision', 'eventId', 'type', 'data', 'metadata', 'recordedAt'] as const;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * One line of `annals export` (the keys of `GET /api/events`) back into an event, or a DamagedExportError saying
 * what is wrong with it. Only the line itself is judged here; the order across lines is ExportChecker's.
 */
export function parseExportLine(text: string, line: number): RecordedEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new DamagedExportError(line, 'not valid JSON (a broken or cut line)');
  }
  if (!isObject(parsed)) throw new DamagedExportError(line, 'not a JSON object');
  const missing = KEYS.filter((key) => !(key in parsed));
  if (missing.length > 0) throw new DamagedExportError(line, `missing ${missing.join(', ')}: not a line of annals export`);
  const { position, stream, revision, eventId, type, data, metadata, recordedAt } = parsed;
  const decoded = typeof position === 'string' ? decodePosition(position) : undefined;
  if (decoded === undefined || decoded === 0n) throw new DamagedExportError(line, 'position must be a positive integer token');
  if (typeof stream !== 'string' || stream === '') throw new DamagedExportError(line, 'stream must be a non-empty string');
  if (typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision < 0)
    throw new DamagedExportError(line, 'revision must be an integer from 0');
  if (typeof eventId !== 'string' || eventId === '') throw new DamagedExportError(line, 'eventId must be a non-empty string');
  if (typeof type !== 'string' || type === '') throw new DamagedExportError(line, 'type must be a non-empty string');
  if (!isObject(data)) throw new DamagedExportError(line, 'data must be a JSON object');
  if (!isObject(metadata)) throw new DamagedExportError(line, 'metadata must be a JSON object');
  if (typeof recordedAt !== 'string' || !ISO_INSTANT.test(recordedAt) || Number.isNaN(Date.parse(recordedAt)))
    throw new DamagedExportError(line, 'recordedAt must be an ISO instant');
  if (metadata.recordedAt !== undefined && metadata.recordedAt !== recordedAt)
    throw new DamagedExportError(line, 'recordedAt differs from metadata.recordedAt');
  return { position: decoded, stream, revision: BigInt(revision), eventId, type, data, metadata, recordedAt };
}

/**
 * The rules across lines that make a file a whole log: positions strictly increasing, recorded time never going
 * backwards, every stream's revisions from 0 without a gap, every event id once. Fed the events in file order.
 */
export class ExportChecker {
  private lastPosition = 0n;
  private lastRecordedAt = Number.NEGATIVE_INFINITY;
  private lastRecordedAtText = '';
  private readonly nextRevision = new Map<string, bigint>();
  private readonly eventIds = new Set<string>();
  private count = 0;

  /** Events checked so far. */
  get events(): number {
    return this.count;
  }

  /** Throws DamagedExportError when `event` cannot follow the events before it. */
  check(event: RecordedEvent, line: number): void {
    if (event.position <= this.lastPosition)
      throw new DamagedExportError(line, `position ${event.position} does not follow ${this.lastPosition}: positions out of order`);
    const recordedAt = Date.parse(event.recordedAt);
    if (recordedAt < this.lastRecordedAt)
      throw new DamagedExportError(
        line,
        `recordedAt ${event.recordedAt} is before ${this.lastRecordedAtText}: recorded time going backwards`,
      );
    const expected = this.nextRevision.get(event.stream) ?? 0n;
    if (event.revision !== expected)
      throw new DamagedExportError(
        line,
        `${event.stream} revision ${event.revision} where ${expected} was due: the stream's events are incomplete or out of order`,
      );
    if (this.eventIds.has(event.eventId)) throw new DamagedExportError(line, `event id ${event.eventId} appears twice`);
    this.eventIds.add(event.eventId);
    this.nextRevision.set(event.stream, expected + 1n);
    this.lastPosition = event.position;
    this.lastRecordedAt = recordedAt;
    this.lastRecordedAtText = event.recordedAt;
    this.count++;
  }
}
