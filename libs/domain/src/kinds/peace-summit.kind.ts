import { z } from 'zod';
import { defineKind } from './kind';
import { commonFields, countryCode, list, oneOf, place, text } from './fields';

export const ABSENCE_REASONS = ['declined', 'not-invited'] as const;
export type AbsenceReason = (typeof ABSENCE_REASONS)[number];

export const absentee = z
  .strictObject({ country: countryCode, reason: oneOf(ABSENCE_REASONS) }, { error: 'must be an object' });

/** A summit about a conflict, hosted by a country: who attended and who stayed away (absentees never take part). */
export const peaceSummit = defineKind({
  kind: 'peace-summit',
  eventType: 'PeaceSummitHeld',
  label: 'Peace summit',
  stream: 'own',
  content: z.strictObject({
    ...commonFields,
    host: countryCode,
    location: place.optional(),
    conflict: text(1, 200).optional(),
    attendees: list(countryCode, 1, 250),
    absentees: list(absentee, 0, 250).optional(),
  }),
  organizationOf: () => undefined,
  roles(content, add) {
    add(content.host, 'host');
    add(content.location?.country, 'location');
    content.attendees.forEach((country) => add(country, 'attendee'));
    content.absentees?.forEach((absent) => add(absent.country, 'absentee'));
  },
});
