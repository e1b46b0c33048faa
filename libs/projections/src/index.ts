export * from './projection';
export * from './projection-runner';
export * from './developments.projection';
export * from './memberships.projection';
export * from './presidencies.projection';
export * from './organizations.projection';

import { developmentsProjection } from './developments.projection';
import { membershipsProjection } from './memberships.projection';
import { organizationsProjection } from './organizations.projection';
import { presidenciesProjection } from './presidencies.projection';

export const ALL_PROJECTIONS = [organizationsProjection, developmentsProjection, membershipsProjection, presidenciesProjection] as const;
