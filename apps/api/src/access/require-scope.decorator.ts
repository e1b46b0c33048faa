import { SetMetadata } from '@nestjs/common';

export type Scope = 'public' | 'read' | 'write' | 'admin';
export const SCOPE_KEY = 'annals:scope';

/** The scope a route needs. Routes without it need `read`. */
export const RequireScope = (scope: Scope) => SetMetadata(SCOPE_KEY, scope);
