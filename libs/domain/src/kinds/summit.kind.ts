import { z } from 'zod';
import { defineKind } from './kind';
import { commonFields, countryCode, organizationCode, place } from './fields';

/**
 * An organization's summit. It belongs to the organization, but no rule spans its summits, so it has a stream of
 * its own (logs written before that hold some in the organization's stream; the locator finds them).
 */
export const summit = defineKind({
  kind: 'summit',
  eventType: 'SummitHeld',
  label: 'Summit',
  stream: 'own',
  content: z.strictObject({ ...commonFields, organization: organizationCode, host: countryCode, location: place.optional() }),
  organizationOf: (content) => content.organization,
  roles(content, add) {
    add(content.host, 'host');
    add(content.location?.country, 'location');
  },
});
