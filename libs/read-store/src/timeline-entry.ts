import type { TimelineEntry } from '@annals/application';
import { countriesOf, organizationOf, partialDate, rolesOf, type AnyContent, type DevelopmentKind } from '@annals/domain';

/** What a version row keeps besides its content: the entry is derived from these, never stored twice. */
export interface EntryFacts {
  readonly developmentId: string;
  readonly kind: DevelopmentKind;
  readonly corrected: boolean;
  readonly retracted: boolean;
  /** When the development was first recorded. */
  readonly recordedAt: string;
  readonly position: number;
}

/**
 * A development's timeline entry, from its content. The projection used to store this JSON beside the content
 * (title and summary twice): deriving it keeps one copy, and the keys come out in the order they always had.
 */
export function timelineEntry(facts: EntryFacts, content: AnyContent): TimelineEntry {
  const development = { kind: facts.kind, content };
  const organization = organizationOf(development);
  const location = 'location' in content ? content.location : undefined;
  return {
    developmentId: facts.developmentId,
    kind: facts.kind,
    occurredOn: content.occurredOn,
    ...(content.endsOn !== undefined ? { endsOn: content.endsOn } : {}),
    precision: partialDate(content.occurredOn).precision,
    title: content.title,
    ...(content.summary !== undefined ? { summary: content.summary } : {}),
    countries: countriesOf(development),
    roles: rolesOf(development),
    organizations: organization ? [organization] : [],
    ...(location ? { location } : {}),
    corrected: facts.corrected,
    retracted: facts.retracted,
    recordedAt: facts.recordedAt,
    position: String(facts.position),
  };
}
