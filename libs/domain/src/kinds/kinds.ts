import type { z } from 'zod';
import type { CountryRole, Frozen, Role } from './kind';
import { clientId, place, source } from './fields';
import { meeting, participant } from './meeting.kind';
import { membershipApproval } from './membership-approval.kind';
import { membershipEnding } from './membership-ending.kind';
import { absentee, peaceSummit } from './peace-summit.kind';
import { presidencyHandover } from './presidency-handover.kind';
import { summit } from './summit.kind';

/** Every kind of development, by its name in the API. Adding a kind: its file, an entry here, and its route. */
const DEFINITIONS = {
  meeting,
  summit,
  'membership-approval': membershipApproval,
  'membership-ending': membershipEnding,
  'presidency-handover': presidencyHandover,
  'peace-summit': peaceSummit,
};

type Definitions = typeof DEFINITIONS;
export type DevelopmentKind = keyof Definitions;

/** What users record of each kind, as stored (normalized, read-only). */
export type ContentByKind = { [K in DevelopmentKind]: Frozen<z.output<Definitions[K]['content']>> };
export type CreationEventTypeOf<K extends DevelopmentKind> = Definitions[K]['eventType'];

type Parsed<T> = { readonly success: true; readonly data: T } | { readonly success: false; readonly error: z.ZodError };

/** One kind's definition, typed by its content: what the generic code (roles, deciders, edges) relies on. */
export interface Kind<K extends DevelopmentKind> {
  readonly kind: K;
  readonly eventType: CreationEventTypeOf<K>;
  readonly label: string;
  readonly stream: 'organization' | 'own';
  readonly content: Definitions[K]['content'];
  readonly changes: Definitions[K]['changes'];
  parse(input: unknown): Parsed<ContentByKind[K]>;
  parseChanges(input: unknown): Parsed<Partial<ContentByKind[K]>>;
  readonly defaults?: Partial<ContentByKind[K]>;
  organizationOf(content: ContentByKind[K]): string | undefined;
  roles(content: ContentByKind[K], add: (country: string | undefined, role: Role) => void): void;
  invariants?(content: ContentByKind[K]): readonly { readonly field: string; readonly message: string }[];
}

/** The parts several kinds share, by the names the API documents them under; and the client's id of a recording. */
export const SCHEMA_PARTS = { Source: source, Place: place, Participant: participant, Absentee: absentee };
export { clientId };

export const KINDS: { readonly [K in DevelopmentKind]: Kind<K> } = DEFINITIONS;

export const DEVELOPMENT_KINDS = Object.keys(DEFINITIONS).filter((name): name is DevelopmentKind => name in DEFINITIONS);

export const isDevelopmentKind = (name: string): name is DevelopmentKind => Object.hasOwn(DEFINITIONS, name);

/** A development's kind together with its content, discriminated by kind. */
export type DevelopmentOf<K extends DevelopmentKind> = { [P in K]: { readonly kind: P; readonly content: ContentByKind[P] } }[K];
export type Development = DevelopmentOf<DevelopmentKind>;
export type AnyContent = ContentByKind[DevelopmentKind];
/**
 * A kind beside content of that kind, as a development's state holds them: a Development, or a pair whose kind
 * is known only as one of all (the generic functions below take both).
 */
export type KindAndContent<K extends DevelopmentKind = DevelopmentKind> = { readonly kind: K; readonly content: ContentByKind[K] };

/** The organization a development belongs to (its stream, for organization kinds), or the occasion of a meeting. */
export function organizationOf<K extends DevelopmentKind>(development: KindAndContent<K>): string | undefined {
  return KINDS[development.kind].organizationOf(development.content);
}

/**
 * Every country the development names, in each role it holds there (a country may hold several: the host of a
 * summit is usually its location too), in the order the content names them, each pair once. The one place roles
 * are read from content: timelines, exports and the page all take them from here, so an absentee is never
 * presented as taking part.
 */
export function rolesOf<K extends DevelopmentKind>(development: KindAndContent<K>): CountryRole[] {
  const roles: CountryRole[] = [];
  KINDS[development.kind].roles(development.content, (country, role) => {
    if (country && !roles.some((r) => r.country === country && r.role === role)) roles.push({ country, role });
  });
  return roles;
}

/** Every country the development names in any role, sorted and unique. */
export function countriesOf(development: KindAndContent): string[] {
  return [...new Set(rolesOf(development).map((r) => r.country))].sort();
}
