/**
 * When a sender stopped being allowed to speak in a room: the signed time of the latest valid entry
 * that banned, kicked or removed (leave) its account, or revoked its device. A signal signed no later
 * than that, which reaches a receiver only after the entry did (it waited in a queue, or was relayed
 * while still valid), is dropped without blaming whoever relayed it; one signed after is a violation.
 */
import { type AuthorityEntry, equals, type Signed } from '@parley/protocol';

export interface ValidEntries {
  validEntries(): Signed<AuthorityEntry>[];
}

export const removedAt = (st: ValidEntries, account: Uint8Array, device?: Uint8Array): number | undefined => {
  let at: number | undefined;
  for (const e of st.validEntries()) {
    const a = e.body.action;
    const out =
      a.kind === 'ban' || a.kind === 'kick'
        ? equals(a.target, account)
        : a.kind === 'leave'
          ? equals(e.body.account, account)
          : a.kind === 'revoke_device' && device !== undefined && equals(a.device, device);
    if (out && (at === undefined || e.body.time > at)) at = e.body.time;
  }
  return at;
};

/** Whether a signal signed at `time` was signed while its sender could still speak (see above). */
export const signedBeforeRemoval = (st: ValidEntries, account: Uint8Array, time: number, device?: Uint8Array): boolean => {
  const gone = removedAt(st, account, device);
  return gone !== undefined && time <= gone;
};
