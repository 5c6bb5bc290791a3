/** Typed errors of the verification pool. */
export class VerifyPoolError extends Error {
  readonly code: 'ERR_VERIFY_OVERLOADED' | 'ERR_VERIFY_CLOSED' | 'ERR_VERIFY_WORKER';
  constructor(code: VerifyPoolError['code'], message: string) {
    super(message);
    this.name = 'VerifyPoolError';
    this.code = code;
  }
}
