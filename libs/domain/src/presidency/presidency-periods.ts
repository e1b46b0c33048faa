import { sortedIndex } from '../membership/membership-periods';
import { partialDate, startOf } from '../values/partial-date';

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
  /** When the next handover passed it on, or the term ended (`termEndsOn`, whichever came first): null while it holds. */
  readonly to: string | null;
  /** First day it no longer holds (exclusive). */
  readonly end: string | null;
  readonly handoverId: string;
}

export type PresidencyViolation = { readonly code: 'PRESIDENCY_HOLDER_MISMATCH' | 'PRESIDENCY_CHAIN_BROKEN'; readonly fact: HandoverFact };

/** Valid-time order of handovers: the first day each counts from, then recording order. */
export const compareHandovers = (a: HandoverFact, b: HandoverFact) => startOf(a.on).localeCompare(startOf(b.on)) || a.sequence - b.sequence;

/** The first day a handover's term no longer holds: the day after `termEndsOn`'s period (the term includes it). */
export const termEndOf = (handover: Pick<HandoverFact, 'termEndsOn'>): string | undefined =>
  handover.termEndsOn === undefined ? undefined : partialDate(handover.termEndsOn).endExclusive;

/**
 * The presidency on a date belongs to the `to` of the latest handover on or before it, until the next handover or
 * the end of its term, whichever comes first; between a term's end and the next handover nobody holds it.
 */
export function presidencyPeriods(handovers: readonly HandoverFact[]): PresidencyPeriod[] {
  const sorted = [...handovers].sort(compareHandovers);
  return sorted.map((handover, index) => {
    const next = sorted[index + 1];
    const nextStart = next ? startOf(next.on) : undefined;
    const termEnd = termEndOf(handover);
    const endedByTerm = termEnd !== undefined && (nextStart === undefined || termEnd < nextStart);
    return {
      country: handover.to,
      from: handover.on,
      start: startOf(handover.on),
      to: endedByTerm ? handover.termEndsOn! : next ? next.on : null,
      end: endedByTerm ? termEnd : (nextStart ?? null),
      handoverId: handover.developmentId,
    };
  });
}

/** Whether the handover's holder still holds the presidency on `day` as far as its own term goes. */
const termHoldsOn = (handover: HandoverFact, day: string): boolean => {
  const end = termEndOf(handover);
  return end === undefined || day < end;
};

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
  // A holder is known on the date unless the previous term had ended by then.
  const holder = previous && termHoldsOn(previous, startOf(fact.on)) ? previous.to : undefined;
  if (fact.from !== undefined && holder !== undefined && holder !== fact.from) return { code: 'PRESIDENCY_HOLDER_MISMATCH', fact };
  // Unless this term ends before the next handover: then nobody held it when the next one came.
  if (next?.from !== undefined && termHoldsOn(fact, startOf(next.on)) && next.from !== fact.to)
    return { code: 'PRESIDENCY_CHAIN_BROKEN', fact };
  return undefined;
}
