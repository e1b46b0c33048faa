import { sortedIndex } from '../membership/membership-periods';
import { startOf } from '../values/partial-date';

export interface HandoverFact {
  readonly developmentId: string;
  readonly from?: string;
  readonly to: string;
  /** The handover's `occurredOn`. */
  readonly on: string;
  readonly termEndsOn?: string;
  readonly sequence: number;
}

export interface PresidencyPeriod {
  readonly country: string;
  /** Partial date as recorded, and the first day it counts from. */
  readonly from: string;
  readonly start: string;
  /** When the next handover passed it on: null while it holds. */
  readonly to: string | null;
  readonly end: string | null;
  readonly handoverId: string;
}

export type PresidencyViolation = { readonly code: 'PRESIDENCY_HOLDER_MISMATCH' | 'PRESIDENCY_CHAIN_BROKEN'; readonly fact: HandoverFact };

/** Valid-time order of handovers: the first day each counts from, then recording order. */
export const compareHandovers = (a: HandoverFact, b: HandoverFact) => startOf(a.on).localeCompare(startOf(b.on)) || a.sequence - b.sequence;

/** The presidency on a date belongs to the `to` of the latest handover on or before it. */
export function presidencyPeriods(handovers: readonly HandoverFact[]): PresidencyPeriod[] {
  const sorted = [...handovers].sort(compareHandovers);
  return sorted.map((handover, index) => {
    const next = sorted[index + 1];
    return {
      country: handover.to,
      from: handover.on,
      start: startOf(handover.on),
      to: next ? next.on : null,
      end: next ? startOf(next.on) : null,
      handoverId: handover.developmentId,
    };
  });
}

export const presidencyOn = <P extends PresidencyPeriod>(periods: readonly P[], day: string): P | undefined =>
  periods.find((p) => p.start <= day && (p.end === null || day < p.end));

/**
 * A handover's `from` must be whoever held the presidency on its date (when a holder is known), and its `to`
 * must not contradict the `from` of the next known handover.
 */
export function checkHandover(others: readonly HandoverFact[], fact: HandoverFact): PresidencyViolation | undefined {
  return checkHandoverAmong([...others].sort(compareHandovers), fact);
}

/** The same check against a chain already in valid-time order: a binary search for the neighbours. */
export function checkHandoverAmong(sortedChain: readonly HandoverFact[], fact: HandoverFact): PresidencyViolation | undefined {
  const at = sortedIndex(sortedChain, fact, compareHandovers);
  const neighbour = (from: number, step: -1 | 1): HandoverFact | undefined => {
    let index = from;
    while (sortedChain[index]?.developmentId === fact.developmentId) index += step;
    return sortedChain[index];
  };
  const previous = neighbour(at - 1, -1);
  const next = neighbour(at, 1);
  if (fact.from !== undefined && previous && previous.to !== fact.from) return { code: 'PRESIDENCY_HOLDER_MISMATCH', fact };
  if (next?.from !== undefined && next.from !== fact.to) return { code: 'PRESIDENCY_CHAIN_BROKEN', fact };
  return undefined;
}
