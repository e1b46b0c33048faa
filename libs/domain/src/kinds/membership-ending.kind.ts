import { z } from 'zod';
import { defineKind } from './kind';
import { commonFields, countryCode, oneOf, organizationCode } from './fields';

export const MEMBERSHIP_ENDING_REASONS = ['withdrawal', 'suspension', 'expulsion'] as const;
export type MembershipEndingReason = (typeof MEMBERSHIP_ENDING_REASONS)[number];

/** A membership ending (withdrawal, suspension, expulsion). In the organization's stream: it needs an active membership. */
export const membershipEnding = defineKind({
  kind: 'membership-ending',
  eventType: 'MembershipEnded',
  label: 'Membership ended',
  stream: 'organization',
  content: z.strictObject({
    ...commonFields,
    organization: organizationCode,
    country: countryCode,
    reason: oneOf(MEMBERSHIP_ENDING_REASONS),
  }),
  organizationOf: (content) => content.organization,
  roles: (content, add) => add(content.country, 'member'),
});
