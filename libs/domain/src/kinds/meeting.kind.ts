import { z } from 'zod';
import { defineKind } from './kind';
import { commonFields, countryCode, list, organizationCode, place, text } from './fields';

export const participant = z
  .strictObject(
    {
      name: text(1, 200).meta({ example: 'Xi Jinping' }),
      country: countryCode,
      role: text(1, 200).meta({ example: 'President' }).optional(),
    },
    { error: 'must be an object' },
  );

/** Leaders (or their envoys) meeting: on an organization's occasion or not. No rule spans meetings: own stream. */
export const meeting = defineKind({
  kind: 'meeting',
  eventType: 'MeetingHeld',
  label: 'Meeting',
  stream: 'own',
  content: z.strictObject({
    ...commonFields,
    participants: list(participant, 2, 100),
    location: place.optional(),
    organization: organizationCode.optional(),
  }),
  organizationOf: (content) => content.organization,
  roles(content, add) {
    content.participants.forEach((participant) => add(participant.country, 'participant'));
    add(content.location?.country, 'location');
  },
  invariants(content) {
    const seen = new Set<string>();
    for (const [index, participant] of content.participants.entries()) {
      const person = `${participant.name.trim().toLowerCase()}|${participant.country}`;
      if (seen.has(person)) return [{ field: `participants.${index}`, message: `${participant.name} (${participant.country}) is listed twice` }];
      seen.add(person);
    }
    return [];
  },
});
