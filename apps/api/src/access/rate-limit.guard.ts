import { Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerException } from '@nestjs/throttler';
import type { ExecutionContext } from '@nestjs/common';
import { ProblemException } from '../http/problem';
import type { Principal } from './api-key.guard';

/** RATE_LIMIT requests per minute per API key, or per client address without one. */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    const principal = request.principal as Principal | undefined;
    return Promise.resolve(principal ? `key:${principal.name}` : `ip:${String(request.ip)}`);
  }

  protected override throwThrottlingException(_context: ExecutionContext, detail: { timeToBlockExpire: number }): Promise<void> {
    throw new ProblemException('RATE_LIMITED', 'Too many requests; slow down and retry after the time in Retry-After', undefined, {
      'retry-after': String(Math.max(1, Math.ceil(detail.timeToBlockExpire))),
    });
  }
}

export { ThrottlerException };
