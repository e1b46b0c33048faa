/** Stable codes the edges map to answers; the domain knows nothing of HTTP. */
export type DomainErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNKNOWN_ORGANIZATION'
  | 'ORGANIZATION_EXISTS'
  | 'DEVELOPMENT_NOT_FOUND'
  | 'DEVELOPMENT_RETRACTED'
  | 'IDEMPOTENCY_CONFLICT'
  | 'MEMBERSHIP_ALREADY_ACTIVE'
  | 'MEMBERSHIP_NOT_ACTIVE'
  | 'PRESIDENCY_HOLDER_MISMATCH'
  | 'PRESIDENCY_CHAIN_BROKEN'
  | 'PRESIDENCY_HOLDER_NOT_MEMBER'
  | 'NOTHING_TO_CORRECT';

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly errors?: readonly FieldError[],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
