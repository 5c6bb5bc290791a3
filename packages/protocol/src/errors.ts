/**
 * Typed errors of the protocol core. Every decoder and rule throws one of these, naming the field or
 * rule that failed; network handlers catch `ProtocolError`, drop the object and penalise the peer.
 */
export type ErrorCode =
  | 'ERR_DECODE'
  | 'ERR_LIMIT'
  | 'ERR_FIELD'
  | 'ERR_NON_CANONICAL'
  | 'ERR_SIGNATURE'
  | 'ERR_WRONG_TYPE'
  | 'ERR_UNAUTHORIZED'
  | 'ERR_CUTOFF'
  | 'ERR_UNKNOWN_REFERENCE'
  | 'ERR_PROOF_OF_WORK'
  | 'ERR_EXPIRED'
  | 'ERR_INVALID_INVITE'
  | 'ERR_DECRYPT';

export class ProtocolError extends Error {
  readonly code: ErrorCode;
  /** The field or rule this error is about, e.g. `envelope.seq` or `rank`. */
  readonly field: string;
  constructor(code: ErrorCode, field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = new.target.name;
    this.code = code;
    this.field = field;
  }
}

/** Bytes that are not a well-formed frame or CBOR document. */
export class DecodeError extends ProtocolError {
  constructor(field: string, message: string) {
    super('ERR_DECODE', field, message);
  }
}

/** A size or count above the limits in docs/LIMITS.md, detected before allocation. */
export class LimitError extends ProtocolError {
  readonly limit: number;
  readonly actual: number;
  constructor(field: string, limit: number, actual: number) {
    super('ERR_LIMIT', field, `${actual} exceeds limit ${limit}`);
    this.limit = limit;
    this.actual = actual;
  }
}

/** A field that is missing, of the wrong type or out of range. */
export class InvalidFieldError extends ProtocolError {
  constructor(field: string, message: string) {
    super('ERR_FIELD', field, message);
  }
}

/** Bytes that decode but are not the one canonical encoding of their value. */
export class NonCanonicalError extends ProtocolError {
  constructor(field: string) {
    super('ERR_NON_CANONICAL', field, 'not canonically encoded');
  }
}

export class SignatureError extends ProtocolError {
  constructor(field: string, message = 'signature does not verify') {
    super('ERR_SIGNATURE', field, message);
  }
}

export class WrongTypeError extends ProtocolError {
  constructor(field: string, expected: string, actual: string) {
    super('ERR_WRONG_TYPE', field, `expected ${expected}, got ${actual}`);
  }
}

/** The signer does not hold the capability or rank the rule requires. */
export class UnauthorizedError extends ProtocolError {
  constructor(rule: string, message: string) {
    super('ERR_UNAUTHORIZED', rule, message);
  }
}

/** The object's sequence number is above a revocation/ban cut-off for its device. */
export class CutoffError extends ProtocolError {
  constructor(field: string, message: string) {
    super('ERR_CUTOFF', field, message);
  }
}

/** The object references something (an authority head, a previous entry) that is not known (yet). */
export class UnknownReferenceError extends ProtocolError {
  constructor(field: string, message: string) {
    super('ERR_UNKNOWN_REFERENCE', field, message);
  }
}

export class ProofOfWorkError extends ProtocolError {
  constructor(field: string, message: string) {
    super('ERR_PROOF_OF_WORK', field, message);
  }
}

export class ExpiredError extends ProtocolError {
  constructor(field: string, message: string) {
    super('ERR_EXPIRED', field, message);
  }
}

export class InvalidInviteError extends ProtocolError {
  constructor(field: string, message: string) {
    super('ERR_INVALID_INVITE', field, message);
  }
}

export class DecryptError extends ProtocolError {
  constructor(field: string, message = 'authentication failed') {
    super('ERR_DECRYPT', field, message);
  }
}

export const isProtocolError = (e: unknown): e is ProtocolError => e instanceof ProtocolError;
