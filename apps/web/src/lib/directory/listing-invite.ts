/**
 * Joining from a directory card. A LISTING (PROTOCOL 8.5) names the room (`r`) and nothing to dial:
 * a newcomer finds the room's peers as an invite without addresses does (7.2 allows `b` empty), by
 * the room's PRESENCE records in the DHT (8.2) and the hubs this portal already connects to. It
 * carries no token either, so the JOIN is token-less: the room admits it only when its join mode is
 * `open` (4.1), which the portal sets when an owner makes a community public. The listing's name
 * is the invite's unsigned hint `n`, replaced by the signed GENESIS name once the log arrives.
 */
import { encodeInviteUrl, fromHex } from '@parley/protocol';

export const listingInviteUrl = (roomHex: string, name: string, origin: string): string =>
  encodeInviteUrl({ room: fromHex(roomHex), addrs: [], name: name.slice(0, 96) }, origin);
