/**
 * A new member's first keys. Members answer a JOIN with KEY_SHAREs (key-work.ts), the invite's
 * issuer at once, but gossip brings them to a device that subscribed a moment ago only once the
 * topic's mesh takes it in: the next heartbeat, and one more hop when the device reaches the room
 * through a hub alone (a browser does). Until then the room shows messages it cannot read. So after
 * joining, the device asks the peers it synced from again, soon and then less often, until it holds
 * the current key of every channel it may read; after the last try the periodic sync carries on.
 */
import { CAP } from '@parley/protocol';
import type { RoomSession } from './room-session.ts';

/** Gaps before each try (ms): answers within 0.25, 0.75, 1.75, 3.75 and 7.75 s of the join. */
export const CHASE_GAPS_MS: readonly number[] = [250, 500, 1_000, 2_000, 4_000];

/** Channels `account` may read now whose current epoch has no key on this device. */
export const channelsWithoutKey = (s: RoomSession, account: Uint8Array): Uint8Array[] => {
  const st = s.state;
  const now = st.length - 1;
  return st
    .channels()
    .filter((ch) => st.can(account, CAP.READ, ch.id, now) && s.keyring.keysFor(ch.id, st.epochAt(ch.id, now)).length === 0)
    .map((ch) => ch.id);
};

export interface ChaseDeps {
  readonly account: Uint8Array;
  /** The peers to ask (those that served the log at the join). */
  readonly peers: readonly string[];
  readonly catchUp: (s: RoomSession, peer: string) => Promise<unknown>;
  readonly sleep: (ms: number) => Promise<void>;
  readonly closed: () => boolean;
  readonly gaps?: readonly number[];
}

/** Resolves true once every readable channel has its current key here, false if the tries ran out first. */
export const chaseKeys = async (s: RoomSession, d: ChaseDeps): Promise<boolean> => {
  for (const gap of d.gaps ?? CHASE_GAPS_MS) {
    if (channelsWithoutKey(s, d.account).length === 0) return true;
    await d.sleep(gap);
    if (d.closed()) return false;
    for (const peer of d.peers) await d.catchUp(s, peer).catch(() => 0);
  }
  return channelsWithoutKey(s, d.account).length === 0;
};
