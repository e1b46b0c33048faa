import type { RecordedEvent } from '@annals/application';
import { ORGANIZATION_REGISTERED, type OrganizationRegisteredData } from '@annals/domain';
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
    const codes = [...new Set(events.map((event) => (event.data as unknown as OrganizationRegisteredData).code))];
    const known = new Set(
      (await tx.selectFrom(t.organizations).select('code').where('code', 'in', codes).execute()).map((row) => row.code),
    );
    // The first registration of a code stands; later ones change nothing.
    const rows: OrganizationRow[] = [];
    for (const event of events) {
      const data = event.data as unknown as OrganizationRegisteredData;
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
