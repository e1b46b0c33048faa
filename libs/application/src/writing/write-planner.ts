import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  ORGANIZATION_REGISTERED,
  decideOrganization,
  decideStandalone,
  evolveOrganization,
  evolveStandalone,
  initialOrganizationState,
  isOrganizationKind,
  organizationOf,
  type DevelopmentCommand,
  type Development,
  type OrganizationCommand,
  type OrganizationState,
  type StandaloneState,
} from '@annals/domain';
import type { CorrectDevelopmentCommand, RetractDevelopmentCommand } from '../change-development/change-development.commands';
import { READ_STORE, type ReadStore } from '../ports/read-store.port';
import { DevelopmentLocator, type DevelopmentLocation } from './development-locator';
import { StreamWriter } from './stream-writer';
import { developmentStream, organizationOfStream, organizationStream, streamOf } from './streams';
import type { WriteContext } from './write-context';
import type { WritePlan } from './write-plan';

type PlanBase = Pick<WritePlan<unknown>, 'stream' | 'developmentId' | 'context' | 'kindOf'>;

/**
 * Turns a command into a write plan: which stream, which decider. The checks that look outside the stream
 * (the organization exists, a client's id is not used elsewhere, where a development lives) happen here, once.
 */
@Injectable()
export class WritePlanner {
  /** Organizations known to exist: a registration is never undone, so a yes is kept. */
  private readonly registered = new Set<string>();

  constructor(
    private readonly writer: StreamWriter,
    private readonly locator: DevelopmentLocator,
    @Inject(READ_STORE) private readonly views: ReadStore,
  ) {}

  async record(command: {
    developmentId: string;
    development: Development;
    context: WriteContext;
    clientId: boolean;
  }): Promise<WritePlan<unknown>> {
    const { development, developmentId, context } = command;
    const organization = organizationOf(development);
    if (organization) await this.requireOrganization(organization);
    const stream = streamOf(development.kind, developmentId, organization);
    if (command.clientId) await this.rejectIdUsedElsewhere(developmentId, stream);
    const base: PlanBase = { stream, developmentId, context, kindOf: () => development.kind };
    const decision = { type: 'RecordDevelopment', developmentId, development } as const;
    if (isOrganizationKind(development.kind)) return organizationPlan(base, organization!, decision);
    // A development's own stream opens with its recording: not read first (the append checks it is new).
    return { ...standalonePlan(base, decision), presumedNew: true };
  }

  correct(command: CorrectDevelopmentCommand): Promise<WritePlan<unknown>> {
    const { developmentId, changes, reason, sources, context, location } = command;
    return this.change({ type: 'CorrectDevelopment', developmentId, changes, reason, ...(sources ? { sources } : {}) }, context, location);
  }

  retract({ developmentId, reason, context, location }: RetractDevelopmentCommand): Promise<WritePlan<unknown>> {
    return this.change({ type: 'RetractDevelopment', developmentId, reason }, context, location);
  }

  /** A correction or retraction, in the stream of the development it changes. */
  private async change(command: DevelopmentCommand, context: WriteContext, location?: DevelopmentLocation): Promise<WritePlan<unknown>> {
    const { stream, kind } = location ?? (await this.locator.locate(command.developmentId));
    // A meeting's occasion may be corrected, but only to an organization that exists.
    const occasion = command.type === 'CorrectDevelopment' ? command.changes.organization : undefined;
    if (typeof occasion === 'string') await this.requireOrganization(occasion);
    const base: PlanBase = { stream, developmentId: command.developmentId, context, kindOf: () => kind };
    const organization = organizationOfStream(stream);
    return organization ? organizationPlan(base, organization, command) : standalonePlan(base, command);
  }

  register(command: { developmentId: string; code: string; name: string; wikidataId?: string; context: WriteContext }): WritePlan<unknown> {
    const { developmentId, code, name, wikidataId, context } = command;
    const base: PlanBase = { stream: organizationStream(code), developmentId, context, kindOf: () => 'organization' };
    return organizationPlan(base, code, { type: 'RegisterOrganization', developmentId, code, name, ...(wikidataId ? { wikidataId } : {}) });
  }

  /** An organization's stream opens with its registration: one read of one event, whatever the stream's length. */
  async organizationExists(code: string): Promise<boolean> {
    if (this.registered.has(code)) return true;
    const exists = (await this.writer.firstEvent(organizationStream(code)))?.type === ORGANIZATION_REGISTERED;
    if (exists) this.registered.add(code);
    return exists;
  }

  private async requireOrganization(code: string): Promise<void> {
    if (!(await this.organizationExists(code))) throw new DomainError('UNKNOWN_ORGANIZATION', `Unknown organization ${code}`);
  }

  /** A client id is one development: reusing it for another kind or organization is a conflict. */
  private async rejectIdUsedElsewhere(developmentId: string, stream: string): Promise<void> {
    const conflict = () => new DomainError('IDEMPOTENCY_CONFLICT', `Development ${developmentId} was already recorded with other content`);
    const recent = this.writer.locationOf(developmentId);
    if (recent && recent.stream !== stream) throw conflict();
    // The creation's event id derives from the development id: such a store refuses it in another stream itself.
    if (this.writer.eventIdsUniqueAcrossStreams) return;
    const standalone = developmentStream(developmentId);
    if (stream !== standalone && (await this.writer.firstEvent(standalone))) throw conflict();
    const located = await this.views.locate(developmentId);
    if (located && located.stream !== stream) throw conflict();
  }
}

function organizationPlan(base: PlanBase, code: string, command: OrganizationCommand): WritePlan<OrganizationState> {
  return {
    ...base,
    initial: () => initialOrganizationState(code),
    evolve: evolveOrganization,
    decide: (state) => decideOrganization(command, state),
  };
}

function standalonePlan(base: PlanBase, command: DevelopmentCommand): WritePlan<StandaloneState> {
  return { ...base, initial: () => undefined, evolve: evolveStandalone, decide: (state) => decideStandalone(command, state) };
}
