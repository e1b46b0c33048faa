import type { z } from 'zod';
import type { FieldError } from '../errors';

/** Deeply read-only: what content is once recorded. */
export type Frozen<T> = T extends readonly (infer U)[]
  ? readonly Frozen<U>[]
  : T extends object
    ? { readonly [P in keyof T]: Frozen<T[P]> }
    : T;

export const ROLES = ['participant', 'host', 'attendee', 'absentee', 'member', 'from', 'to', 'location'] as const;
/** What a country is in a development: `member` is the country a membership development is about. */
export type Role = (typeof ROLES)[number];

export interface CountryRole {
  readonly country: string;
  readonly role: Role;
}

/**
 * Everything the code knows about one kind of development, declared in its own file (`<kind>.kind.ts`):
 * - `eventType`: the stored event that records it (part of the log: never renamed);
 * - `content`: the one schema of what users record — the TypeScript type (its output), the validation of a
 *   recording and, made partial, of a correction, and the OpenAPI schema (its input);
 * - `stream`: `organization` when an invariant spans the organization's developments (its events live in the
 *   organization's stream), `own` otherwise;
 * - the organization and the countries, with their roles, it names; the invariants of its content.
 */
export interface KindSpec<K extends string, T extends string, S extends z.ZodObject> {
  readonly kind: K;
  readonly eventType: T;
  /** A human name, for the page and the docs. */
  readonly label: string;
  readonly stream: 'organization' | 'own';
  readonly content: S;
  /** Values a recording gets where it says nothing (never applied to a correction). */
  readonly defaults?: Partial<z.output<S>>;
  /** The organization whose stream holds it (kinds with `stream: 'organization'`), or the occasion of a meeting. */
  organizationOf(content: Frozen<z.output<S>>): string | undefined;
  /** Names each country it mentions with its role, in the order the content names them. */
  roles(content: Frozen<z.output<S>>, add: (country: string | undefined, role: Role) => void): void;
  /** Rules across its fields, on recorded and on corrected content alike: the fields at fault, or none. */
  invariants?(content: Frozen<z.output<S>>): readonly FieldError[];
}

/**
 * A kind as the code uses it: the spec, the partial schema of its corrections, and both parsers (typed by the
 * content, so the generic code keeps the link between a kind and its content).
 */
export function defineKind<const K extends string, const T extends string, S extends z.ZodObject>(spec: KindSpec<K, T, S>) {
  const changes = spec.content.partial();
  return {
    ...spec,
    changes,
    parse: (input: unknown) => spec.content.safeParse(input),
    parseChanges: (input: unknown) => changes.safeParse(input),
  };
}
