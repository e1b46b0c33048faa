import type { RecordedEvent } from '@annals/application';
import { ORGANIZATION_REGISTERED, type OrganizationRegisteredData } from '@annals/domain';
import { recordedMs, type Projection, type ViewTx } from './projection';

/** The organizations known to the log. */
export const organizationsProjection: Projection = {
  name: 'organizations',
  version: 1,
  tables: ['organizations'],
  handles: (event) => event.type === ORGANIZATION_REGISTERED,

  async apply({ db: tx, tables: t }: ViewTx, events: readonly RecordedEvent[]): Promise<void> {
    const rows = events.map((event) => {
      const data = event.data as unknown as OrganizationRegisteredData;
      return {
        code: data.code,
        name: data.name,
        wikidata_id: data.wikidataId ?? null,
        recorded_from: recordedMs(event),
        position: Number(event.position),
      };
    });
    if (rows.length > 0)
      await tx
        .insertInto(t.organizations)
        .values(rows)
        .onConflict((oc) => oc.column('code').doNothing())
        .execute();
  },
};
