import { Inject, Injectable } from '@nestjs/common';
import { decodePosition, EVENT_STORE, PROJECTION_PROGRESS, type EventStore, type ProjectionProgress } from '@annals/application';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ProblemException } from './problem';

const invalid = (message: string) => new ProblemException('VALIDATION_FAILED', message, [{ field: 'minPosition', message }]);

/** Read-your-writes: a read with `minPosition` waits for the views to include that position, or answers 503. */
@Injectable()
export class ReadConsistency {
  constructor(
    @Inject(PROJECTION_PROGRESS) private readonly progress: ProjectionProgress,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async ensure(minPosition: string | undefined): Promise<void> {
    if (minPosition === undefined) return;
    const position = decodePosition(minPosition);
    if (position === undefined) throw invalid('minPosition must be a position token returned by a write');
    if (await this.progress.waitFor(position, 0)) return;
    // No write has answered a position beyond the end of the log: waiting for it would only end in a 503.
    const head = await this.store.headPosition();
    if (position > head)
      throw invalid(`minPosition ${minPosition} is beyond the end of the log (${head}); use a position a write answered`);
    if (!(await this.progress.waitFor(position, this.config.minPositionWaitMs))) {
      throw new ProblemException('VIEWS_BEHIND', `The views have not reached position ${minPosition} yet; retry shortly`, undefined, {
        'retry-after': '1',
      });
    }
  }
}
