import { Inject, Injectable } from '@nestjs/common';
import { decodePosition, PROJECTION_PROGRESS, type ProjectionProgress } from '@annals/application';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ProblemException } from './problem';

/** Read-your-writes: a read with `minPosition` waits for the views to include that position, or answers 503. */
@Injectable()
export class ReadConsistency {
  constructor(
    @Inject(PROJECTION_PROGRESS) private readonly progress: ProjectionProgress,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async ensure(minPosition: string | undefined): Promise<void> {
    if (minPosition === undefined) return;
    const position = decodePosition(minPosition);
    if (position === undefined) {
      throw new ProblemException('VALIDATION_FAILED', 'minPosition must be a position token returned by a write', [
        { field: 'minPosition', message: 'minPosition must be a position token returned by a write' },
      ]);
    }
    if (!(await this.progress.waitFor(position, this.config.minPositionWaitMs))) {
      throw new ProblemException('VIEWS_BEHIND', `The views have not reached position ${minPosition} yet; retry shortly`, undefined, {
        'retry-after': '1',
      });
    }
  }
}
