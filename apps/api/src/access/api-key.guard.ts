import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ProblemException } from '../http/problem';
import { SCOPE_KEY, type Scope } from './require-scope.decorator';

const RANK: Record<Exclude<Scope, 'public'>, number> = { read: 1, write: 2, admin: 3 };

export interface Principal {
  readonly name: string;
  readonly scope: Exclude<Scope, 'public'>;
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** API keys with scopes: `write` includes `read`, `admin` includes all. With no keys configured, everything is open (loopback only). */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
    const required = this.reflector.getAllAndOverride<Scope | undefined>(SCOPE_KEY, [context.getHandler(), context.getClass()]) ?? 'read';
    if (this.config.apiKeys.length === 0 || required === 'public') return true;
    const principal = this.authenticate(request);
    if (principal) request.principal = principal;
    if (required === 'read' && this.config.publicReads && !request.headers.authorization) return true;
    if (!principal)
      throw new ProblemException('UNAUTHENTICATED', 'Send a valid API key as "Authorization: Bearer <key>"', undefined, {
        'www-authenticate': 'Bearer',
      });
    if (RANK[principal.scope] < RANK[required])
      throw new ProblemException('FORBIDDEN', `This needs the ${required} scope; the key "${principal.name}" has ${principal.scope}`);
    return true;
  }

  private authenticate(request: FastifyRequest): Principal | undefined {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) return undefined;
    const key = this.config.apiKeys.find((candidate) => same(candidate.key, match[1]!));
    return key ? { name: key.name, scope: key.scope } : undefined;
  }
}
