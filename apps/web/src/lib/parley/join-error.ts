/** What to tell a person when joining fails: a bad link, an expired invite, a room that needs an invite, or nobody serving the room. */
import { ClientError } from '@parley/client';
import { ProtocolError } from '@parley/protocol';

export const joinErrorText = (e: unknown): string => {
  if (e instanceof ProtocolError && e.code === 'ERR_INVALID_INVITE') return `That is not a valid invite link (${e.message}).`;
  if (e instanceof ClientError && e.code === 'join-failed') {
    if (/expired/.test(e.message)) return 'This invite has expired. Ask for a new link.';
    // A link without a token (a directory card's) to a room that admits members by invite only.
    if (/invite only/.test(e.message)) return 'This community takes new members by invite only. Ask a member for an invite link.';
    return 'Nobody serving this community could be reached. Try again when a member or its hub is online.';
  }
  return e instanceof Error ? e.message : String(e);
};
