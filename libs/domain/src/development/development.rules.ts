import { DomainError, type FieldError } from '../errors';
import type { RecordDevelopment } from './development.commands';
import type { DevelopmentState } from './development.state';
import { partialDate } from '../values/partial-date';
import { KINDS, type AnyContent, type ContentByKind, type DevelopmentKind } from './development.types';

/**
 * Rules that span fields, checked on recorded and on corrected content alike: the dates every kind has, then the
 * kind's own invariants (see its `invariants`).
 */
export function checkContent<K extends DevelopmentKind>(development: { readonly kind: K; readonly content: ContentByKind[K] }): void {
  const { content } = development;
  const errors: FieldError[] = [];
  if (content.endsOn !== undefined && partialDate(content.endsOn).end < partialDate(content.occurredOn).start)
    errors.push({ field: 'endsOn', message: 'endsOn must not precede occurredOn' });
  errors.push(...(KINDS[development.kind].invariants?.(content) ?? []));
  if (errors.length > 0) throw new DomainError('VALIDATION_FAILED', errors[0]!.message, errors.slice(0, 1));
}

/**
 * A recording under an id already recorded: the same kind and content is a retry (true: nothing to append), other
 * content under that id a conflict. False when the id is new.
 */
export function isRetryOf(existing: DevelopmentState | undefined, command: RecordDevelopment): boolean {
  if (!existing) return false;
  const { development, developmentId } = command;
  if (existing.kind === development.kind && canonicalJson(existing.original) === canonicalJson(development.content)) return true;
  throw new DomainError('IDEMPOTENCY_CONFLICT', `Development ${developmentId} was already recorded with other content`);
}

/** The fields a correction may not change: the organization whose stream holds the development. */
export function checkChanges(kind: DevelopmentKind, changes: Record<string, unknown>): void {
  if (Object.keys(changes).length === 0) {
    throw new DomainError('VALIDATION_FAILED', 'changes must name at least one field', [
      { field: 'changes', message: 'changes must not be empty' },
    ]);
  }
  if (kind !== 'meeting' && 'organization' in changes) {
    throw new DomainError(
      'VALIDATION_FAILED',
      'the organization a development belongs to cannot be corrected; retract it and record it again',
      [{ field: 'changes.organization', message: 'organization cannot be changed' }],
    );
  }
}

/** A correction must change something: changes equal to the current values are refused, and nothing is appended. */
export function checkSomethingChanges(current: AnyContent, changes: Record<string, unknown>): void {
  const values: Readonly<Record<string, unknown>> = current;
  if (Object.entries(changes).every(([field, value]) => canonicalJson(values[field]) === canonicalJson(value))) {
    throw new DomainError('NOTHING_TO_CORRECT', 'The changes equal the current values: there is nothing to correct');
  }
}

/** Key-order independent JSON, so that equal content compares equal. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
