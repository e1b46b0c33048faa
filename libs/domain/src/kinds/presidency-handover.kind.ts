import { z } from 'zod';
import { partialDate } from '../values/partial-date';
import { defineKind } from './kind';
import { commonFields, countryCode, organizationCode, partialDateField } from './fields';

/**
 * A rotating presidency handed from one member to another. In the organization's stream: the chain of holders
 * and their membership span the organization's history.
 */
export const presidencyHandover = defineKind({
  kind: 'presidency-handover',
  eventType: 'PresidencyHandedOver',
  label: 'Presidency',
  stream: 'organization',
  content: z.strictObject({
    ...commonFields,
    organization: organizationCode,
    from: countryCode.optional(),
    to: countryCode,
    termEndsOn: partialDateField.optional(),
  }),
  organizationOf: (content) => content.organization,
  roles(content, add) {
    add(content.from, 'from');
    add(content.to, 'to');
  },
  invariants(content) {
    if (content.termEndsOn !== undefined && partialDate(content.termEndsOn).end < partialDate(content.occurredOn).start)
      return [{ field: 'termEndsOn', message: 'termEndsOn must not precede occurredOn' }];
    if (content.from !== undefined && content.from === content.to) return [{ field: 'to', message: 'to must differ from from' }];
    return [];
  },
});
