/** The typed error of device linking: why a link code did not link this device (PROTOCOL 2.1). */

import type { RefusalReason } from '@parley/protocol';
import { ClientError } from '../errors.ts';

/**
 * - the offering device's refusals: 'unknown' (no such offer there), 'expired' (or withdrawn),
 *   'used' (a code links one device), 'wrong-secret', 'failed' (it could not certify the device);
 * - found here: 'invalid-code' (not a link code), 'unreachable' (the offering device could not be
 *   dialled or did not answer), 'bad-grant' (its answer did not verify), 'device-in-use' (this
 *   client already has rooms open: link a fresh device).
 */
export type LinkFailure = RefusalReason | 'invalid-code' | 'unreachable' | 'bad-grant' | 'device-in-use';

export class LinkError extends ClientError {
  readonly reason: LinkFailure;
  constructor(reason: LinkFailure, message: string, options?: { cause?: unknown }) {
    super('link-failed', `device link failed (${reason}): ${message}`);
    this.name = 'LinkError';
    this.reason = reason;
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}
