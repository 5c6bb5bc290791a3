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
  | 'epoch-changed';

export class ClientError extends Error {
  readonly code: ClientErrorCode;
  constructor(code: ClientErrorCode, message: string) {
    super(message);
    this.name = 'ClientError';
    this.code = code;
  }
}
