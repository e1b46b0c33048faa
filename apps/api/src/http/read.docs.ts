import { ApiProblems } from './problem.docs';
import type { ProblemCode } from './problem';

/** Problems every read can answer: invalid parameters, the rate limit, a store down or views behind `minPosition`. */
export const ApiReadProblems = (...codes: ProblemCode[]) =>
  ApiProblems('VALIDATION_FAILED', 'RATE_LIMITED', 'STORE_UNAVAILABLE', 'VIEWS_BEHIND', ...codes);
