import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import {
  CorrectDevelopmentHandler,
  DevelopmentLocator,
  GetCountryMembershipsHandler,
  GetCountryPeriodsHandler,
  GetDevelopmentHandler,
  GetMembersHandler,
  GetOrganizationHandler,
  GetOrganizationPeriodsHandler,
  GetPresidenciesHandler,
  GetPresidencyOnHandler,
  GetTimelineHandler,
  ListOrganizationsHandler,
  RecordDevelopmentHandler,
  RegisterOrganizationHandler,
  RetractDevelopmentHandler,
  StreamWriter,
  WritePlanner,
} from '@annals/application';
import { ApiKeyGuard } from './access/api-key.guard';
import { RateLimitGuard } from './access/rate-limit.guard';
import type { AppConfig } from './config/app-config';
import { DevelopmentReadsController } from './developments/development-reads.controller';
import { DevelopmentWrites } from './developments/development-writes';
import { DevelopmentsController } from './developments/developments.controller';
import { HealthController } from './health/health.controller';
import { ProblemDetailsFilter } from './http/problem-details.filter';
import { ReadConsistency } from './http/read-consistency';
import { LiveController } from './live/live.controller';
import { LiveFeed } from './live/live-feed';
import { ImportController } from './imports/import.controller';
import { NdjsonImport } from './imports/ndjson-import';
import { OperationsController } from './operations/operations.controller';
import { OrganizationsController } from './organizations/organizations.controller';
import { PeriodsController } from './organizations/periods.controller';
import { AnnalsLifecycle } from './persistence/annals-lifecycle';
import { PersistenceModule } from './persistence/persistence.module';
import { TimelineResponder } from './timelines/timeline-responder';
import { TimelinesController } from './timelines/timelines.controller';
import { WebModule } from './web/web.module';

const COMMAND_HANDLERS = [RecordDevelopmentHandler, CorrectDevelopmentHandler, RetractDevelopmentHandler, RegisterOrganizationHandler];
const QUERY_HANDLERS = [
  GetTimelineHandler,
  GetDevelopmentHandler,
  ListOrganizationsHandler,
  GetOrganizationHandler,
  GetMembersHandler,
  GetPresidenciesHandler,
  GetPresidencyOnHandler,
  GetCountryMembershipsHandler,
  GetOrganizationPeriodsHandler,
  GetCountryPeriodsHandler,
];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, extraControllers: Type[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            // Keys never reach the logs.
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            // One line per request comes from the HTTP layer's own hook (http/request-log.ts), for every route.
            autoLogging: false,
          },
        }),
        CqrsModule.forRoot(),
        TerminusModule,
        ...(config.rateLimit ? [ThrottlerModule.forRoot([{ ttl: 60_000, limit: config.rateLimit }])] : []),
        PersistenceModule.forRoot(config),
        WebModule,
      ],
      controllers: [
        DevelopmentsController,
        DevelopmentReadsController,
        TimelinesController,
        OrganizationsController,
        PeriodsController,
        ImportController,
        OperationsController,
        HealthController,
        LiveController,
        ...extraControllers,
      ],
      providers: [
        ...COMMAND_HANDLERS,
        ...QUERY_HANDLERS,
        StreamWriter,
        WritePlanner,
        DevelopmentLocator,
        DevelopmentWrites,
        NdjsonImport,
        ReadConsistency,
        TimelineResponder,
        AnnalsLifecycle,
        LiveFeed,
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        ...(config.rateLimit ? [{ provide: APP_GUARD, useClass: RateLimitGuard }] : []),
      ],
    };
  }
}
