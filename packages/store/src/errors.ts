/**
 * Typed errors of the store. Inputs are checked at the door: a bad argument throws
 * `InvalidArgumentError` naming the argument or field, before anything is written.
 */
export type StoreErrorCode = 'ERR_STORE_ARGUMENT' | 'ERR_STORE_CLOSED';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  /** The argument or field this error is about, e.g. `objects[3].seq`. */
  readonly field: string;
  constructor(code: StoreErrorCode, field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = new.target.name;
    this.code = code;
    this.field = field;
  }
}

/** An argument that is malformed or out of range (wrong byte length, negative seq, unknown type...). */
export class InvalidArgumentError extends StoreError {
  constructor(field: string, message: string) {
    super('ERR_STORE_ARGUMENT', field, message);
  }
}

/** A call on a store after `close()`. */
export class StoreClosedError extends StoreError {
  constructor(method: string) {
    super('ERR_STORE_CLOSED', method, 'the store is closed');
  }
}
