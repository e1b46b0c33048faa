import { startOf } from '../values/partial-date';
import type { MembershipEndingReason, MembershipStatus } from '../development/development.types';

/** A recorded approval or ending, reduced to what membership periods need. */
export type MembershipFact =
  | {
      readonly kind: 'membership-approval';
      readonly developmentId: string;
      readonly country: string;
      readonly status: MembershipStatus;
      /** `effectiveOn`, or `occurredOn` when absent. */
      readonly effectiveOn: string;
      /** Recording order, breaking ties between facts of the same day. */
      readonly sequence: number;
    }
  | {
      readonly kind: 'membership-ending';
      readonly developmentId: string;
      readonly country: string;
      readonly reason: MembershipEndingReason;
      readonly effectiveOn: string;
      readonly sequence: number;
    };

export interface MembershipPeriod {
  readonly country: string;
  readonly status: MembershipStatus;
  /** Partial date as recorded, and the first day it counts from. */
  readonly since: string;
  readonly start: string;
  readonly until?: string;
  /** First day it no longer holds (exclusive), when it ended. */
  readonly end?: string;
  readonly approvalId: string;
  readonly endingId?: string;
  readonly endReason?: MembershipEndingReason | 'status-change';
}

export type MembershipViolation = { readonly code: 'MEMBERSHIP_ALREADY_ACTIVE' | 'MEMBERSHIP_NOT_ACTIVE'; readonly fact: MembershipFact };

/** Valid-time order of facts: the first day each counts from, then the order they were recorded in. */
export const compareMembershipFacts = (a: MembershipFact, b: MembershipFact) =>
  startOf(a.effectiveOn).localeCompare(startOf(b.effectiveOn)) || a.sequence - b.sequence;

/**
 * Walks one country's facts in valid-time order. A membership holds on [effective date, ending date).
 * An approval with another status while active changes the status (observer → member); the same status again,
 * or an ending while nothing holds, is a violation, reported and otherwise ignored so reads stay total.
 */
export function walkMemberships(
  facts: readonly MembershipFact[],
  options: { sorted?: boolean } = {},
): { periods: MembershipPeriod[]; violations: MembershipViolation[] } {
  const periods: MembershipPeriod[] = [];
  const violations: MembershipViolation[] = [];
  const open = new Map<string, MembershipPeriod>();
  for (const fact of options.sorted ? facts : [...facts].sort(compareMembershipFacts)) {
    const current = open.get(fact.country);
    if (fact.kind === 'membership-approval') {
      if (current && current.status === fact.status) {
        violations.push({ code: 'MEMBERSHIP_ALREADY_ACTIVE', fact });
        continue;
      }
      if (current) periods.push({ ...current, until: fact.effectiveOn, end: startOf(fact.effectiveOn), endReason: 'status-change' });
      open.set(fact.country, {
        country: fact.country,
        status: fact.status,
        since: fact.effectiveOn,
        start: startOf(fact.effectiveOn),
        approvalId: fact.developmentId,
      });
    } else {
      if (!current) {
        violations.push({ code: 'MEMBERSHIP_NOT_ACTIVE', fact });
        continue;
      }
      periods.push({
        ...current,
        until: fact.effectiveOn,
        end: startOf(fact.effectiveOn),
        endingId: fact.developmentId,
        endReason: fact.reason,
      });
      open.delete(fact.country);
    }
  }
  periods.push(...open.values());
  return { periods: periods.sort((a, b) => a.country.localeCompare(b.country) || a.start.localeCompare(b.start)), violations };
}

/** The periods holding on a day (`YYYY-MM-DD`), one per country at most. */
export const heldOn = <P extends MembershipPeriod>(periods: readonly P[], day: string): P[] =>
  periods.filter((p) => p.start <= day && (p.end === undefined || day < p.end));

/**
 * The invariant check for adding or changing one fact, judged on its own effective date: an approval while
 * the country holds that status, or an ending while it holds nothing, is refused. Later facts are not re-judged,
 * so a history can be backfilled in any order (founded 2001 recorded after rejoined 2024, then the 2010 withdrawal).
 */
export function checkMembershipFact(others: readonly MembershipFact[], fact: MembershipFact): MembershipViolation | undefined {
  const sameCountry = others.filter((other) => other.country === fact.country).sort(compareMembershipFacts);
  return checkMembershipFactAmong(sameCountry, fact);
}

/**
 * The same check against the country's facts already in valid-time order (an organization's state keeps them so):
 * one walk, no sort, so a country with thousands of facts costs a linear scan.
 */
export function checkMembershipFactAmong(
  sortedSameCountry: readonly MembershipFact[],
  fact: MembershipFact,
): MembershipViolation | undefined {
  const others = sortedSameCountry.filter((other) => other.developmentId !== fact.developmentId);
  const at = sortedIndex(others, fact, compareMembershipFacts);
  const walked = walkMemberships([...others.slice(0, at), fact, ...others.slice(at)], { sorted: true });
  return walked.violations.find((v) => v.fact.developmentId === fact.developmentId);
}

/** Whether the country's facts (valid-time order) make it a full member on `day` (`YYYY-MM-DD`). */
export function isFullMemberOn(sortedSameCountry: readonly MembershipFact[], day: string): boolean {
  return heldOn(walkMemberships(sortedSameCountry, { sorted: true }).periods, day).some((period) => period.status === 'member');
}

/** Where `item` goes in `sorted` (after its equals): a binary search. */
export function sortedIndex<T>(sorted: readonly T[], item: T, compare: (a: T, b: T) => number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compare(sorted[middle]!, item) <= 0) low = middle + 1;
    else high = middle;
  }
  return low;
}
