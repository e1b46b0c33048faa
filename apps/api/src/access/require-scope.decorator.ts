import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { ApiProblems } from '../http/problem.docs';

export type Scope = 'public' | 'read' | 'write' | 'admin';
export const SCOPE_KEY = 'annals:scope';
/** The OpenAPI extension naming an operation's scope; the document's security requirements are derived from it. */
export const SCOPE_EXTENSION = 'x-required-scope';

/**
 * The scope a route needs (routes without it need `read`), with its OpenAPI metadata: the scope and the
 * answers a key that is missing (401) or too small (403) gets.
 */
export const RequireScope = (scope: Scope) =>
  applyDecorators(
    SetMetadata(SCOPE_KEY, scope),
    ApiExtension(SCOPE_EXTENSION, scope),
    ...(scope === 'public' ? [] : scope === 'read' ? [ApiProblems('UNAUTHENTICATED')] : [ApiProblems('UNAUTHENTICATED', 'FORBIDDEN')]),
  );
