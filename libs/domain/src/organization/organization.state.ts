import { ORGANIZATION_REGISTERED, type DomainEvent, type OrganizationRegisteredData } from '../development/development.events';
import { evolveDevelopment, type DevelopmentState } from '../development/development.state';
import { compareMembershipFacts, sortedIndex, type MembershipFact } from '../membership/membership-periods';
import { compareHandovers, type HandoverFact } from '../presidency/presidency-periods';

export type OrganizationDevelopment = DevelopmentState & {
  /** The order it was first recorded in: breaks ties between facts of the same day. */
  readonly sequence: number;
};

/**
 * One organization's stream: its registration and every development whose invariants span it, with the
 * indexes the invariants read — live membership facts per country and the presidency chain, each kept in
 * valid-time order — so judging a write costs a lookup, not a scan of the organization's whole history.
 *
 * The state is evolved IN PLACE, one event in O(log n): it belongs to the one stream cache that loads it
 * (the application's StreamWriter serializes access per stream) and is never shared between streams.
 * Copying it per event made replaying an organization with 20,000 developments quadratic.
 */
export interface OrganizationState {
  readonly code: string;
  registration?: Omit<OrganizationRegisteredData, 'developmentId'>;
  /** By development id. */
  readonly developments: Map<string, OrganizationDevelopment>;
  /** Live (unretracted) approvals and endings by country, in valid-time order. */
  readonly memberships: Map<string, MembershipFact[]>;
  /** Live handovers in valid-time order. */
  readonly handovers: HandoverFact[];
}

export const initialOrganizationState = (code: string): OrganizationState => ({
  code,
  developments: new Map(),
  memberships: new Map(),
  handovers: [],
});

export function evolveOrganization(state: OrganizationState, event: DomainEvent): OrganizationState {
  if (event.type === ORGANIZATION_REGISTERED) {
    const { code, name, wikidataId } = event.data;
    state.registration = { code, name, ...(wikidataId !== undefined ? { wikidataId } : {}) };
    return state;
  }
  const developmentId = event.data.developmentId;
  const before = state.developments.get(developmentId);
  const evolved = evolveDevelopment(before, event);
  if (!evolved || evolved === before) return state;
  const after: OrganizationDevelopment = { ...evolved, sequence: before?.sequence ?? state.developments.size };
  state.developments.set(developmentId, after);
  if (before) unindex(state, before);
  if (!after.retracted) index(state, after);
  return state;
}

function index(state: OrganizationState, development: OrganizationDevelopment): void {
  const membership = membershipFact(development);
  if (membership) {
    const facts = state.memberships.get(membership.country) ?? [];
    facts.splice(sortedIndex(facts, membership, compareMembershipFacts), 0, membership);
    state.memberships.set(membership.country, facts);
  }
  const handover = handoverFact(development);
  if (handover) state.handovers.splice(sortedIndex(state.handovers, handover, compareHandovers), 0, handover);
}

function unindex(state: OrganizationState, development: OrganizationDevelopment): void {
  const membership = membershipFact(development);
  if (membership) {
    const facts = state.memberships.get(membership.country);
    const at = facts?.findIndex((fact) => fact.developmentId === development.developmentId) ?? -1;
    if (at >= 0) facts!.splice(at, 1);
  }
  const handover = handoverFact(development);
  if (handover) {
    const at = state.handovers.findIndex((fact) => fact.developmentId === development.developmentId);
    if (at >= 0) state.handovers.splice(at, 1);
  }
}

type FactSource = Pick<DevelopmentState, 'developmentId' | 'kind' | 'content'> & { readonly sequence: number };

/** Reduces an approval or ending to a membership fact (undefined for other kinds). */
export function membershipFact({ developmentId, kind, content, sequence }: FactSource): MembershipFact | undefined {
  if (kind === 'membership-approval' && 'status' in content) {
    return {
      kind,
      developmentId,
      country: content.country,
      status: content.status ?? 'member',
      effectiveOn: content.effectiveOn ?? content.occurredOn,
      sequence,
    };
  }
  if (kind === 'membership-ending' && 'reason' in content && 'country' in content) {
    return { kind, developmentId, country: content.country, reason: content.reason, effectiveOn: content.occurredOn, sequence };
  }
  return undefined;
}

export function handoverFact({ developmentId, kind, content, sequence }: FactSource): HandoverFact | undefined {
  if (kind !== 'presidency-handover' || !('to' in content)) return undefined;
  return { developmentId, from: content.from, to: content.to, on: content.occurredOn, termEndsOn: content.termEndsOn, sequence };
}
