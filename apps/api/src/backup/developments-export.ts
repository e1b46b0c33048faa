import type { RecordedEvent } from '@annals/application';
import {
  BUILT_IN_ORGANIZATIONS,
  ORGANIZATION_REGISTERED,
  evolveDevelopment,
  isDomainEvent,
  type DevelopmentState,
} from '@annals/domain';

/** One line of `annals import`: an organization, or a development in its current state. */
export type ImportLine = Record<string, unknown> & { readonly kind: string };

const BUILT_IN = new Set(BUILT_IN_ORGANIZATIONS.map((organization) => organization.code));

/**
 * The current state of every development, as import lines: `export --developments`. Folds the log the way the
 * deciders do (evolveDevelopment: corrections applied, a retraction marks it), so it does not depend on the views.
 *
 * - Each development keeps its id, so importing the file twice records nothing the second time.
 * - Lines come in the order the developments were first recorded: every invariant that held when each was
 *   recorded holds again when they are imported in that order into an empty store.
 * - Retracted developments are left out; organizations registered beyond the built-in ones come first (a
 *   store registers the built-in ones itself).
 */
export class DevelopmentsExport {
  private readonly states = new Map<string, DevelopmentState>();
  private readonly organizations: ImportLine[] = [];

  add(stored: RecordedEvent): void {
    if (!isDomainEvent(stored)) return;
    const event = stored;
    if (event.type === ORGANIZATION_REGISTERED) {
      const data = event.data;
      if (!BUILT_IN.has(data.code))
        this.organizations.push({
          kind: 'organization',
          code: data.code,
          name: data.name,
          ...(data.wikidataId ? { wikidataId: data.wikidataId } : {}),
        });
      return;
    }
    const id = event.data.developmentId;
    const next = evolveDevelopment(this.states.get(id), event);
    if (next) this.states.set(id, next);
  }

  /** The lines, organizations first, then developments in the order of their creation (Map keeps it). */
  *lines(): Iterable<ImportLine> {
    yield* this.organizations;
    for (const state of this.states.values()) {
      if (state.retracted) continue;
      yield { kind: state.kind, id: state.developmentId, ...state.content };
    }
  }
}
