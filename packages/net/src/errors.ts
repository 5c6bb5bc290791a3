/**
 * Typed errors of the networking layer. Malformed input from a peer surfaces as the protocol core's
 * own errors (DecodeError, LimitError, InvalidFieldError); these cover what only a network has.
 */
import type { SyncErrorCode } from './sync/messages.ts';

export type NetErrorCode = 'ERR_SYNC_REMOTE' | 'ERR_SYNC_TIMEOUT' | 'ERR_SYNC_PROTOCOL' | 'ERR_TURN';

export class NetError extends Error {
  readonly code: NetErrorCode;
  constructor(code: NetErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The remote peer answered a sync request with an ERROR message. */
export class SyncRemoteError extends NetError {
  readonly remoteCode: SyncErrorCode;
  constructor(remoteCode: SyncErrorCode) {
    super('ERR_SYNC_REMOTE', `peer answered ${remoteCode}`);
    this.remoteCode = remoteCode;
  }
}

/** A sync exchange did not finish within its time limit. */
export class SyncTimeoutError extends NetError {
  constructor(message: string) {
    super('ERR_SYNC_TIMEOUT', message);
  }
}

/** The peer broke the sync protocol: wrong message kind, too much data, or malformed bytes (cause). */
export class SyncProtocolError extends NetError {
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_SYNC_PROTOCOL', message, options);
  }
}

/** A hub refused TURN credentials, or answered with something that is not a credential. */
export class TurnError extends NetError {
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_TURN', message, options);
  }
}
