import type { z } from 'zod';
import type { Source } from '../development/development.types';
import { DomainError, type FieldError } from '../errors';
import { clientId, sources } from './fields';
import { KINDS, type ContentByKind, type DevelopmentKind, type DevelopmentOf } from './kinds';

/** Zod's issues as the API names them: `{ field: 'participants.0.country', message }`, one per field at fault. */
export function fieldErrorsOf(issues: readonly z.core.$ZodIssue[], prefix?: string): FieldError[] {
  const at = (path: readonly PropertyKey[]) => [prefix, ...path.map(String)].filter(Boolean).join('.');
  return issues.flatMap((issue): FieldError[] => {
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((key) => {
        const field = at([...issue.path, key]);
        return { field, message: `${field} is not an allowed field` };
      });
    const field = at(issue.path) || prefix || 'body';
    return [{ field, message: `${field} ${issue.message}` }];
  });
}

export const invalidFields = (errors: readonly FieldError[]): DomainError =>
  new DomainError('VALIDATION_FAILED', errors.length === 1 ? errors[0]!.message : `${errors.length} fields are invalid`, errors);

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** A recording of `kind` as a client sent it: its optional id, and the content, normalized, with the kind's defaults. */
export function parseRecording<K extends DevelopmentKind>(kind: K, body: unknown): { id?: string; development: DevelopmentOf<K> } {
  if (!isObject(body)) throw invalidFields([{ field: 'body', message: 'body must be a JSON object' }]);
  const { id, ...fields } = body;
  const definition = KINDS[kind];
  const parsed = definition.parse(fields);
  const idIssues = id === undefined ? [] : (clientId.safeParse(id).error?.issues ?? []);
  const errors = [...fieldErrorsOf(idIssues, 'id'), ...(parsed.success ? [] : fieldErrorsOf(parsed.error.issues))];
  if (errors.length > 0 || !parsed.success) throw invalidFields(errors);
  const development: DevelopmentOf<K> = { kind, content: { ...definition.defaults, ...parsed.data } };
  return typeof id === 'string' ? { id, development } : { development };
}

/** The fields a correction of `kind` changes, validated as those fields are on a recording. */
export function parseChanges<K extends DevelopmentKind>(kind: K, changes: Record<string, unknown>): Partial<ContentByKind[K]> {
  const parsed = KINDS[kind].parseChanges(changes);
  if (!parsed.success) throw invalidFields(fieldErrorsOf(parsed.error.issues, 'changes'));
  return parsed.data;
}

/** The sources a correction cites, validated as a recording's. */
export function parseSources(value: unknown, field = 'sources'): Source[] {
  const parsed = sources.safeParse(value);
  if (!parsed.success) throw invalidFields(fieldErrorsOf(parsed.error.issues, field));
  return parsed.data;
}

/**
 * Stored content read back as the development it is: parsed by its kind's schema (it passed it when recorded), so
 * what the exports narrow by kind is checked, not assumed.
 */
export function storedDevelopment<K extends DevelopmentKind>(kind: K, content: unknown): DevelopmentOf<K> {
  const parsed = KINDS[kind].parse(content);
  if (!parsed.success) throw new Error(`Stored content of a ${kind} does not match its kind: ${parsed.error.message}`);
  const development: DevelopmentOf<K> = { kind, content: parsed.data };
  return development;
}
