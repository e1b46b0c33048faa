import type { RecordedEvent } from '@annals/application';
import { ORGANIZATION_REGISTERED, isDomainEvent, type OrganizationRegisteredEvent } from '@annals/domain';
import type { OrganizationRow } from '@annals/read-store';
import { recordedMs, type Projection, type ViewTx } from './projection';

/** The organizations known to the log. */
export const organizationsProjection: Projection = {
  name: 'organizations',
  version: 1,
  tables: ['organizations'],
  handles: (event) => event.type === ORGANIZATION_REGISTERED,

  async apply(view: ViewTx, events: readonly RecordedEvent[]): Promise<void> {
    const { db: tx, tables: t } = view;
    const registrations = events.filter(
      (event): event is RecordedEvent & OrganizationRegisteredEvent => isDomainEvent(event) && event.type === ORGANIZATION_REGISTERED,
    );
    const codes = [...new Set(registrations.map((event) => event.data.code))];
    const known = new Set(
      (await tx.selectFrom(t.organizations).select('code').where('code', 'in', codes).execute()).map((row) => row.code),
    );
    // The first registration of a code stands; later ones change nothing.
    const rows: OrganizationRow[] = [];
    for (const event of registrations) {
      const { data } = event;
      if (known.has(data.code)) continue;
      known.add(data.code);
      rows.push({
        code: data.code,
        name: data.name,
        wikidata_id: data.wikidataId ?? null,
        recorded_from: recordedMs(event),
        position: Number(event.position),
      });
    }
    await view.insert('organizations', rows);
  },
};
