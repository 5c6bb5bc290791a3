/**
 * A channel's visible history from the store: envelopes decrypted with the keys this device holds,
 * folded by the protocol's `channelHistory` (edits, deletes, reactions, moderator deletions, pins).
 */
import {
  type CryptoPort,
  channelHistory,
  decodeUnverified,
  decryptEnvelope,
  envelopeCodec,
  type HistoryItem,
  type HistoryMessage,
  toHex,
} from '@parley/protocol';
import type { ObjectStore } from '@parley/store';
import type { RoomSession } from './room-session.ts';

export interface HistoryOptions {
  /** Only messages before this message id (paging back). */
  readonly before?: Uint8Array;
  /** At most this many, the newest ones. Default 50. */
  readonly limit?: number;
}

/** Whole-channel fold, then a page: edits and reactions may be far from their target in (lamport, id) order. */
const MAX_FOLD = 10_000;

export const readHistory = async (
  store: ObjectStore,
  s: RoomSession,
  channel: Uint8Array,
  crypto: CryptoPort,
  o: HistoryOptions,
): Promise<HistoryMessage[]> => {
  const stored = await store.range(s.id, channel, { limit: MAX_FOLD });
  const items: HistoryItem[] = stored.map((obj) => {
    // Stored objects were verified on the way in: decode without a second signature check.
    const envelope = decodeUnverified(envelopeCodec, obj.bytes, crypto).signed;
    const key = s.keyring.get(channel, envelope.body.epoch, envelope.body.keyId);
    let content: HistoryItem['content'];
    if (key !== undefined) {
      try {
        content = decryptEnvelope(envelope.body, key, crypto);
      } catch {
        content = undefined;
      }
    }
    return { envelope, content };
  });
  let messages = channelHistory(items, s.state, channel).messages;
  if (o.before !== undefined) {
    const h = toHex(o.before);
    const i = messages.findIndex((m) => toHex(m.id) === h);
    if (i >= 0) messages = messages.slice(0, i);
  }
  return messages.slice(-(o.limit ?? 50));
};
