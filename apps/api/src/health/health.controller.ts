import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { sql } from 'kysely';
import { EVENT_STORE, type EventStore } from '@annals/application';
import type { ReadDatabase } from '@annals/read-store';
import { RequireScope } from '../access/require-scope.decorator';
import { ApiProblems } from '../http/problem.docs';
import { HealthAnswer } from './health.answers';
import { READ_DATABASE } from '../persistence/persistence.module';
import { Projections } from '../persistence/projections';

/** A check that does not answer in time counts as down: readiness must answer during a partition. */
const CHECK_TIMEOUT_MS = 2000;
const within = <T>(work: Promise<T>, fallback: T): Promise<T> =>
  Promise.race([work.catch(() => fallback), new Promise<T>((resolve) => setTimeout(() => resolve(fallback), CHECK_TIMEOUT_MS).unref())]);

/** How far behind the log the views may be and still count as ready. */
const MAX_READY_LAG = 1000n;

@ApiTags('health')
@RequireScope('public')
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_DATABASE) private readonly read: ReadDatabase,
    private readonly runner: Projections,
  ) {}

  @Get('live')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ operationId: 'getLiveness', summary: 'The process is up' })
  @ApiOkResponse({ type: HealthAnswer })
  @ApiProblems('VALIDATION_FAILED')
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOperation({ operationId: 'getReadiness', summary: 'The stores answer and the views are caught up within a bound' })
  @ApiOkResponse({ type: HealthAnswer })
  @ApiProblems('VALIDATION_FAILED', 'NOT_READY')
  ready() {
    return this.health.check([
      async () => {
        const indicator = this.indicators.check('eventStore');
        return (await within(this.store.ping(), false)) ? indicator.up() : indicator.down({ reason: 'the event store does not answer' });
      },
      async () => {
        const indicator = this.indicators.check('readStore');
        const ok = await within(
          sql`SELECT 1`.execute(this.read.db).then(() => true),
          false,
        );
        return ok ? indicator.up() : indicator.down({ reason: 'the read store does not answer' });
      },
      async () => {
        const indicator = this.indicators.check('projections');
        const head = await within<bigint | undefined>(this.store.headPosition(), undefined);
        const lag = head === undefined ? undefined : head - this.runner.position;
        if (!this.runner.healthy) return indicator.down({ reason: 'a projection failed and is retrying' });
        if (lag === undefined || lag > MAX_READY_LAG) return indicator.down({ lag: lag === undefined ? null : Number(lag) });
        return indicator.up({ lag: Number(lag) });
      },
    ]);
  }
}
