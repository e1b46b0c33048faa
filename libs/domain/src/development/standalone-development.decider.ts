import { DomainError } from '../errors';
import { creationEvent, DEVELOPMENT_CORRECTED, DEVELOPMENT_RETRACTED, ORGANIZATION_REGISTERED, type DomainEvent } from './development.events';
import type { CorrectDevelopment, DevelopmentCommand } from './development.commands';
import { evolveDevelopment, applyChanges, type DevelopmentState } from './development.state';
import { checkChanges, checkContent, checkSomethingChanges, isRetryOf } from './development.rules';

/** Decider for developments with a stream of their own (meetings, peace summits). State: the development or nothing. */
export type StandaloneState = DevelopmentState | undefined;

export const evolveStandalone = (state: StandaloneState, event: DomainEvent): StandaloneState =>
  event.type === ORGANIZATION_REGISTERED ? state : evolveDevelopment(state, event);

/** Returns the events to append; an empty list means an idempotent retry that changes nothing. */
export function decideStandalone(command: DevelopmentCommand, state: StandaloneState): DomainEvent[] {
  switch (command.type) {
    case 'RecordDevelopment': {
      const { development, developmentId } = command;
      if (isRetryOf(state, command)) return [];
      checkContent(development);
      return [creationEvent(developmentId, development)];
    }
    case 'CorrectDevelopment': {
      const current = requireLive(state, command.developmentId);
      checkChanges(current.kind, command.changes);
      checkSomethingChanges(current.content, command.changes);
      checkContent({ kind: current.kind, content: applyChanges(current.content, command.changes) });
      return [correctedEvent(current, command)];
    }
    case 'RetractDevelopment': {
      const current = requireLive(state, command.developmentId);
      return [{ type: DEVELOPMENT_RETRACTED, data: { developmentId: current.developmentId, kind: current.kind, reason: command.reason } }];
    }
  }
}

export function requireLive(state: DevelopmentState | undefined, developmentId: string): DevelopmentState {
  if (!state) throw new DomainError('DEVELOPMENT_NOT_FOUND', `No development ${developmentId}`);
  if (state.retracted) throw new DomainError('DEVELOPMENT_RETRACTED', `Development ${developmentId} was retracted`);
  return state;
}

export function correctedEvent(
  current: DevelopmentState,
  command: Pick<CorrectDevelopment, 'changes' | 'reason' | 'sources'>,
): DomainEvent {
  return {
    type: DEVELOPMENT_CORRECTED,
    data: {
      developmentId: current.developmentId,
      kind: current.kind,
      changes: command.changes,
      reason: command.reason,
      ...(command.sources ? { sources: command.sources } : {}),
    },
  };
}
