/**
 * Follower clients: a browser runs one device, so of its tabs only one (the leader) may author
 * anything; the others run a client in follower mode over the same store. The leader hands each
 * follower what it takes in (`Relayed`): every frame its ingest did not reject (the follower replays
 * it through its own verifying ingest without writing it again), every ephemeral signal it accepted
 * (typing, status), and the events a follower cannot produce itself (sync progress, hub
 * acknowledgements, connections, direct messages decrypted by the leader).
 */
import type { CryptoPort } from '@parley/protocol';
import { ClientError } from './errors.ts';
import type { ClientEvents } from './events.ts';

/** Events a leader passes on as they are. */
export const RELAYED_EVENTS = ['progress', 'sync', 'connection', 'acked', 'dm'] as const;
export type RelayedEventName = (typeof RELAYED_EVENTS)[number];

export type Relayed =
  | { readonly kind: 'frame'; readonly bytes: Uint8Array; readonly room: Uint8Array | undefined }
  | { readonly kind: 'signal'; readonly topic: string; readonly bytes: Uint8Array }
  | { readonly [K in RelayedEventName]: { readonly kind: 'event'; readonly name: K; readonly event: ClientEvents[K] } }[RelayedEventName];

export const readOnlyError = (): ClientError =>
  new ClientError('read-only', 'Parley runs in another tab of this browser: this tab only follows it and signs nothing.');

/** The crypto port with signing taken away: whatever path might author in a follower throws instead. */
export const readOnlyCrypto = (c: CryptoPort): CryptoPort => ({
  ...c,
  name: `${c.name} (read-only)`,
  sha256: (d) => c.sha256(d),
  ed25519PublicKey: (s) => c.ed25519PublicKey(s),
  ed25519Verify: (p, m, s) => c.ed25519Verify(p, m, s),
  x25519PublicKey: (s) => c.x25519PublicKey(s),
  x25519Shared: (s, p) => c.x25519Shared(s, p),
  ed25519Sign: () => {
    throw readOnlyError();
  },
});
