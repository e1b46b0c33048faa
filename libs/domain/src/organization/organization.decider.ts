import { DomainError } from '../errors';
import { creationEvent, ORGANIZATION_REGISTERED, DEVELOPMENT_RETRACTED, type DomainEvent } from '../development/development.events';
import type { DevelopmentCommand } from '../development/development.commands';
import { applyChanges } from '../development/development.state';
import { checkChanges, checkContent, checkSomethingChanges, isRetryOf } from '../development/development.rules';
import { correctedEvent, requireLive } from '../development/standalone-development.decider';
import { isOrganizationKind, type AnyContent, type DevelopmentKind } from '../development/development.types';
import { checkMembershipFactAmong, isFullMemberOn } from '../membership/membership-periods';
import { startOf } from '../values/partial-date';
import { checkHandoverAmong } from '../presidency/presidency-periods';
import { handoverFact, membershipFact, type OrganizationState } from './organization.state';

export interface RegisterOrganization {
  readonly type: 'RegisterOrganization';
  readonly developmentId: string;
  readonly code: string;
  readonly name: string;
  readonly wikidataId?: string;
}

export type OrganizationCommand = RegisterOrganization | DevelopmentCommand;

export function decideOrganization(command: OrganizationCommand, state: OrganizationState): DomainEvent[] {
  if (command.type === 'RegisterOrganization') {
    if (state.registration) throw new DomainError('ORGANIZATION_EXISTS', `Organization ${state.code} already exists`);
    const { code, name, wikidataId, developmentId } = command;
    return [{ type: ORGANIZATION_REGISTERED, data: { developmentId, code, name, ...(wikidataId ? { wikidataId } : {}) } }];
  }
  if (!state.registration) throw new DomainError('UNKNOWN_ORGANIZATION', `Unknown organization ${state.code}`);
  switch (command.type) {
    case 'RecordDevelopment': {
      const { development, developmentId } = command;
      if (isRetryOf(state.developments.get(developmentId), command)) return [];
      checkContent(development);
      checkInvariants(state, developmentId, development.kind, development.content, state.developments.size);
      return [creationEvent(developmentId, development)];
    }
    case 'CorrectDevelopment': {
      const current = requireLive(state.developments.get(command.developmentId), command.developmentId);
      checkChanges(current.kind, command.changes);
      checkSomethingChanges(current.content, command.changes);
      const content = applyChanges(current.content, command.changes);
      checkContent({ kind: current.kind, content });
      checkInvariants(state, current.developmentId, current.kind, content, state.developments.get(current.developmentId)!.sequence);
      return [correctedEvent(current, command)];
    }
    case 'RetractDevelopment': {
      // Retracting removes a wrong fact; it is never blocked by the facts around it.
      const current = requireLive(state.developments.get(command.developmentId), command.developmentId);
      return [{ type: DEVELOPMENT_RETRACTED, data: { developmentId: current.developmentId, kind: current.kind, reason: command.reason } }];
    }
  }
}

function checkInvariants(
  state: OrganizationState,
  developmentId: string,
  kind: DevelopmentKind,
  content: AnyContent,
  sequence: number,
): void {
  if (!isOrganizationKind(kind)) return;
  if (kind === 'membership-approval' || kind === 'membership-ending') {
    const fact = membershipFact({ developmentId, kind, content, sequence });
    if (!fact) return;
    const violation = checkMembershipFactAmong(state.memberships.get(fact.country) ?? [], fact);
    if (violation) {
      const { country } = violation.fact;
      const message =
        violation.code === 'MEMBERSHIP_ALREADY_ACTIVE'
          ? `${country} already holds ${state.code} membership on ${violation.fact.effectiveOn}`
          : `${country} does not hold ${state.code} membership on ${violation.fact.effectiveOn}`;
      throw new DomainError(violation.code, message);
    }
  }
  if (kind === 'presidency-handover') {
    const fact = handoverFact({ developmentId, kind, content, sequence });
    if (!fact) return;
    const violation = checkHandoverAmong(state.handovers, fact);
    if (violation?.code === 'PRESIDENCY_HOLDER_MISMATCH') {
      throw new DomainError(violation.code, `${fact.from ?? '?'} did not hold the ${state.code} presidency on ${fact.on}`);
    }
    if (violation)
      throw new DomainError(
        violation.code,
        `Handing over to ${fact.to} on ${fact.on} contradicts the next known handover of ${state.code}`,
      );
    // Judged on valid time: recording the membership first (backfilling) makes the same handover valid.
    if (hasRecordedMembers(state) && !isFullMemberOn(state.memberships.get(fact.to) ?? [], startOf(fact.on))) {
      throw new DomainError(
        'PRESIDENCY_HOLDER_NOT_MEMBER',
        `${fact.to} is not a full member of ${state.code} on ${fact.on}, so it cannot hold its presidency`,
      );
    }
  }
}

/** Whether any full membership of the organization is recorded: until then its members are not known at all. */
function hasRecordedMembers(state: OrganizationState): boolean {
  for (const facts of state.memberships.values()) {
    if (facts.some((fact) => fact.kind === 'membership-approval' && fact.status === 'member')) return true;
  }
  return false;
}
