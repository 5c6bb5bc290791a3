/** Typed errors of the client SDK. Protocol rule violations surface as the protocol's own ProtocolError subclasses. */
export type ClientErrorCode =
  | 'invalid-identity'
  | 'unknown-room'
  | 'unknown-channel'
  | 'no-key'
  | 'no-peers'
  | 'join-failed'
  | 'closed'
  | 'not-member'
  | 'file-unavailable'
  | 'not-a-file'
  | 'epoch-changed'
  | 'file-not-allowed'
  | 'no-shared-room'
  | 'no-account-key'
  | 'link-failed'
  | 'cannot-revoke'
  /** A follower client (another browser tab leads this device) authors nothing. */
  | 'read-only';

export class ClientError extends Error {
  readonly code: ClientErrorCode;
  constructor(code: ClientErrorCode, message: string) {
    super(message);
    this.name = 'ClientError';
    this.code = code;
  }
}
