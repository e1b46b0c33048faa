import type { DevelopmentKind } from '@annals/domain';
import { isOrganizationKind } from '@annals/domain';

export const organizationStream = (code: string) => `organization-${code}`;
export const developmentStream = (developmentId: string) => `development-${developmentId}`;

export const streamOf = (kind: DevelopmentKind, developmentId: string, organization: string | undefined): string =>
  isOrganizationKind(kind) && organization ? organizationStream(organization) : developmentStream(developmentId);

export const organizationOfStream = (stream: string): string | undefined =>
  stream.startsWith('organization-') ? stream.slice('organization-'.length) : undefined;
