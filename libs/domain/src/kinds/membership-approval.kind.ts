import { z } from 'zod';
import { defineKind } from './kind';
import { commonFields, countryCode, oneOf, organizationCode, partialDateField } from './fields';

export const MEMBERSHIP_STATUSES = ['member', 'observer', 'dialogue-partner', 'partner'] as const;
export type MembershipStatus = (typeof MEMBERSHIP_STATUSES)[number];

/**
 * An organization approving a country's membership (or another status) from `effectiveOn`. Lives in the
 * organization's stream: whether a membership is already active spans the organization's history.
 */
export const membershipApproval = defineKind({
  kind: 'membership-approval',
  eventType: 'MembershipApproved',
  label: 'Membership',
  stream: 'organization',
  content: z.strictObject({
    ...commonFields,
    organization: organizationCode,
    country: countryCode,
    status: oneOf(MEMBERSHIP_STATUSES).meta({ default: 'member' }).optional(),
    effectiveOn: partialDateField.optional(),
  }),
  defaults: { status: 'member' },
  organizationOf: (content) => content.organization,
  roles: (content, add) => add(content.country, 'member'),
});
