/**
 * Runs a scenario vector the way a client would: every AUTHORITY_ENTRY frame is opened and replayed
 * first (authority travels ahead of messages), then the other frames in order: envelopes through
 * verifyEnvelope, epoch bundles and key shares through their verify functions. A reader device (box
 * secret given) opens what is sealed to it, decrypts envelopes with its keyring and renders the
 * channel history. Everything is returned as plain JSON, so the generator and the checker agree.
 */
import type { AuthorityEntry } from '../../src/authority/entry.ts';
import { openEntry } from '../../src/authority/open-entry.ts';
import { replayAuthority } from '../../src/authority/replay.ts';
import type { RoomState } from '../../src/authority/room-state.ts';
import { fromHex, toHex } from '../../src/bytes.ts';
import { OBJECT_TYPES } from '../../src/codec/object-type.ts';
import type { Signed } from '../../src/codec/signed.ts';
import type { CryptoPort } from '../../src/crypto/port.ts';
import { isProtocolError } from '../../src/errors.ts';
import { canonicalBundle, type EpochBundle, verifyEpochBundle } from '../../src/keys/epoch-bundle.ts';
import { EpochKeyring } from '../../src/keys/epoch-keyring.ts';
import { openKeyShare, verifyKeyShare } from '../../src/keys/key-share.ts';
import type { Content } from '../../src/message/content.ts';
import { decryptEnvelope } from '../../src/message/envelope.ts';
import { type ChannelHistory, channelHistory, type HistoryItem } from '../../src/message/history.ts';
import { type ValidEnvelope, verifyEnvelope } from '../../src/message/validate-envelope.ts';
import type { JsonValue } from './vector-file.ts';

export interface Reader {
  /** Ed25519 device key and X25519 box secret of the device reading, lowercase hex. */
  readonly device: string;
  readonly boxSecret: string;
}

export interface ScenarioOutcome {
  readonly state: RoomState;
  readonly envelopes: ValidEnvelope[];
  readonly bundles: Signed<EpochBundle>[];
  readonly keyring: EpochKeyring;
  /** Index in `frames` and error code of every rejected non-authority frame. */
  readonly rejected: { index: number; error: string }[];
}

export const runFrames = (frames: readonly string[], reader: Reader, crypto: CryptoPort): ScenarioOutcome => {
  const bytes = frames.map((h) => fromHex(h));
  const entries: Signed<AuthorityEntry>[] = [];
  for (const b of bytes) if (b[1] === OBJECT_TYPES.AUTHORITY_ENTRY) entries.push(openEntry(b, crypto));
  const state = replayAuthority(entries, crypto);
  const device = fromHex(reader.device);
  const secret = fromHex(reader.boxSecret);
  const box = { secret, publicKey: crypto.x25519PublicKey(secret) };
  const keyring = new EpochKeyring();
  const envelopes: ValidEnvelope[] = [];
  const bundles: Signed<EpochBundle>[] = [];
  const rejected: { index: number; error: string }[] = [];
  bytes.forEach((b, index) => {
    try {
      if (b[1] === OBJECT_TYPES.ENVELOPE) envelopes.push(verifyEnvelope(b, state, crypto));
      else if (b[1] === OBJECT_TYPES.EPOCH_BUNDLE) {
        const bundle = verifyEpochBundle(b, state, crypto);
        bundles.push(bundle);
        keyring.ingestBundle(bundle, device, box, crypto);
      } else if (b[1] === OBJECT_TYPES.KEY_SHARE) {
        const share = verifyKeyShare(b, state, crypto);
        if (toHex(share.body.recipient) === reader.device) for (const k of openKeyShare(share.body, box, crypto)) keyring.add(k);
      }
    } catch (e) {
      if (!isProtocolError(e)) throw e;
      rejected.push({ index, error: e.code });
    }
  });
  return { state, envelopes, bundles, keyring, rejected };
};

/** The reader's view of `channel`: envelopes decrypted with its keyring (failures stay undecrypted). */
export const historyOf = (o: ScenarioOutcome, channel: Uint8Array, crypto: CryptoPort): ChannelHistory => {
  const items: HistoryItem[] = o.envelopes.map(({ envelope }) => {
    const b = envelope.body;
    const key = o.keyring.get(b.channel, b.epoch, b.keyId);
    let content: Content | undefined;
    if (key !== undefined) {
      try {
        content = decryptEnvelope(b, key, crypto);
      } catch (e) {
        if (!isProtocolError(e)) throw e;
      }
    }
    return { envelope, content };
  });
  return channelHistory(items, o.state, channel);
};

const hexOrNull = (b: Uint8Array | undefined): JsonValue => (b === undefined ? null : toHex(b));

export const historyJson = (h: ChannelHistory): { [k: string]: JsonValue } => ({
  messages: h.messages.map((m) => ({
    id: toHex(m.id),
    author: toHex(m.author),
    device: toHex(m.device),
    seq: m.seq,
    lamport: m.lamport,
    text: m.text ?? null,
    mentions: m.mentions.map(toHex),
    replyTo: hexOrNull(m.replyTo),
    edited: m.edited,
    deleted: m.deleted === undefined ? null : { reason: m.deleted.reason, by: toHex(m.deleted.by), entryId: toHex(m.deleted.entryId) },
    reactions: m.reactions.map((r) => ({ emoji: r.emoji, accounts: r.accounts.map(toHex) })),
    pinned: m.pinned,
  })),
  equivocations: h.equivocations.map((q) => ({ device: toHex(q.device), seq: q.seq, kept: toHex(q.kept), dropped: toHex(q.dropped) })),
});

/** Accepted bundles and the canonical (lowest-id) bundle and key id per (channel, epoch). */
export const rotationJson = (o: ScenarioOutcome): { [k: string]: JsonValue } => {
  const slots = new Map<string, { channel: Uint8Array; epoch: number }>();
  for (const b of o.bundles) slots.set(`${toHex(b.body.channel)}/${b.body.epoch}`, { channel: b.body.channel, epoch: b.body.epoch });
  const canonical: { [k: string]: JsonValue } = {};
  for (const [k, s] of [...slots].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const c = canonicalBundle(o.bundles, s.channel, s.epoch);
    if (c !== undefined) canonical[k] = { bundle: toHex(c.id), keyId: toHex(c.body.keyId) };
  }
  return {
    accepted: o.bundles.map((b) => toHex(b.id)),
    canonical,
    readerKeys: o.keyring.all().map((k) => ({ epoch: k.epoch, keyId: toHex(k.keyId), key: toHex(k.key) })),
  };
};
