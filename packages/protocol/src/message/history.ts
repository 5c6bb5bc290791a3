/**
 * A channel's visible history: a pure function of the SET of valid envelopes (with their decrypted
 * content), the moderator deletions and the pins. Delivery order and duplicates never matter.
 *
 *   - Messages (no op) ordered by (lamport, id).
 *   - Equivocation: two envelopes with the same (device, channel, seq): the lower id is kept, the
 *     other dropped entirely and reported.
 *   - edit / delete count only from the target's author ACCOUNT (any of its devices); the text is
 *     the latest decryptable edit by (lamport, id). Ops whose target is an op are ignored.
 *   - Moderator deletions apply only if they name the message's real author; they take precedence
 *     over the author's own delete. A tombstone hides text, mentions, reply-to and reactions.
 *   - BAN with purge (channelHistory): the banned account's earlier envelopes are removed.
 *   - Reactions: per (account, emoji) the latest react/unreact by (lamport, id) wins; emojis are
 *     listed by their earliest standing reaction, accounts bytewise ascending.
 */

import type { AuthorityView, ModeratorDeletion } from '../authority/view.ts';
import { compare, equals, toHex } from '../bytes.ts';
import type { Signed } from '../codec/signed.ts';
import type { FileRef } from '../file/file-ref.ts';
import type { Content } from './content.ts';
import type { Envelope } from './envelope.ts';

export interface HistoryItem {
  readonly envelope: Signed<Envelope>;
  /** Decrypted content, or undefined when it could not be decrypted (no key, bad content). */
  readonly content: Content | undefined;
}

export interface Tombstone {
  /** 'author': the author's own delete envelope; 'delete' / 'purge': a moderator entry. */
  readonly reason: 'author' | 'delete' | 'purge';
  /** Account that deleted. */
  readonly by: Uint8Array;
  /** The delete envelope's id (author) or the authority entry's id (moderator). */
  readonly entryId: Uint8Array;
}

export interface Reaction {
  readonly emoji: string;
  readonly accounts: Uint8Array[];
}

export interface HistoryMessage {
  readonly id: Uint8Array;
  readonly author: Uint8Array;
  readonly device: Uint8Array;
  readonly seq: number;
  readonly lamport: number;
  /** Current text; undefined if deleted or no version could be decrypted. */
  readonly text: string | undefined;
  readonly mentions: Uint8Array[];
  readonly replyTo: Uint8Array | undefined;
  readonly edited: boolean;
  readonly deleted: Tombstone | undefined;
  readonly reactions: Reaction[];
  readonly pinned: boolean;
  /** The file the message shares (PROTOCOL 12.3), from the original message; undefined if none, deleted or not decrypted. */
  readonly file: FileRef | undefined;
}

export interface Equivocation {
  readonly device: Uint8Array;
  readonly seq: number;
  readonly kept: Uint8Array;
  readonly dropped: Uint8Array;
}

export interface ChannelHistory {
  readonly messages: HistoryMessage[];
  readonly equivocations: Equivocation[];
}

export interface HistoryInput {
  readonly channel: Uint8Array;
  /** Valid envelopes (any channel; others are ignored), in any order, duplicates allowed. */
  readonly items: Iterable<HistoryItem>;
  readonly deletions?: readonly ModeratorDeletion[];
  readonly pins?: readonly Uint8Array[];
}

type Env = Signed<Envelope>;

/** Order by (lamport, id). */
export const compareEnvelopes = (a: Env, b: Env): number => a.body.lamport - b.body.lamport || compare(a.id, b.id);

interface Standing {
  active: boolean;
  env: Env;
}

interface Acc {
  item: HistoryItem;
  edit: HistoryItem | undefined;
  authorDelete: Env | undefined;
  reactions: Map<string, Standing>;
}

const dedupe = (items: Iterable<HistoryItem>, channel: Uint8Array): Map<string, HistoryItem> => {
  const byId = new Map<string, HistoryItem>();
  for (const it of items) {
    if (!equals(it.envelope.body.channel, channel)) continue;
    const k = toHex(it.envelope.id);
    const prev = byId.get(k);
    // Same id = same bytes; prefer the copy that carries content, so duplication cannot hide text.
    if (prev === undefined || (prev.content === undefined && it.content !== undefined)) byId.set(k, it);
  }
  return byId;
};

/** Keeps the lowest id per (device, seq); reports every dropped one. */
const resolveEquivocation = (byId: Map<string, HistoryItem>): { kept: HistoryItem[]; equivocations: Equivocation[] } => {
  const slots = new Map<string, HistoryItem>();
  const equivocations: Equivocation[] = [];
  const all = [...byId.values()].sort((a, b) => compare(a.envelope.id, b.envelope.id));
  for (const it of all) {
    const b = it.envelope.body;
    const slot = `${toHex(b.device)}:${b.seq}`;
    const first = slots.get(slot);
    if (first === undefined) slots.set(slot, it);
    else equivocations.push({ device: b.device, seq: b.seq, kept: first.envelope.id, dropped: it.envelope.id });
  }
  equivocations.sort((x, y) => compare(x.device, y.device) || x.seq - y.seq || compare(x.dropped, y.dropped));
  return { kept: [...slots.values()], equivocations };
};

const newAcc = (item: HistoryItem): Acc => ({ item, edit: undefined, authorDelete: undefined, reactions: new Map() });

const applyOp = (target: Acc, it: HistoryItem): void => {
  const env = it.envelope;
  const b = env.body;
  const sameAuthor = equals(b.account, target.item.envelope.body.account);
  switch (b.op) {
    case 'edit':
      // Ops arrive sorted ascending, so the last decryptable edit seen is the latest one.
      if (sameAuthor && it.content?.text !== undefined) target.edit = it;
      return;
    case 'delete':
      if (sameAuthor && target.authorDelete === undefined) target.authorDelete = env;
      return;
    case 'react':
    case 'unreact': {
      const emoji = it.content?.emoji;
      if (emoji === undefined) return;
      target.reactions.set(`${toHex(b.account)}|${emoji}`, { active: b.op === 'react', env });
      return;
    }
  }
};

const aggregateReactions = (standing: Map<string, Standing>): Reaction[] => {
  const byEmoji = new Map<string, { first: Env; accounts: Uint8Array[] }>();
  for (const [key, s] of standing) {
    if (!s.active) continue;
    const emoji = key.slice(key.indexOf('|') + 1);
    const g = byEmoji.get(emoji);
    if (g === undefined) byEmoji.set(emoji, { first: s.env, accounts: [s.env.body.account] });
    else {
      g.accounts.push(s.env.body.account);
      if (compareEnvelopes(s.env, g.first) < 0) g.first = s.env;
    }
  }
  return [...byEmoji.entries()].sort(([, x], [, y]) => compareEnvelopes(x.first, y.first)).map(([emoji, g]) => ({ emoji, accounts: g.accounts.sort(compare) }));
};

const pickModeratorDeletions = (deletions: readonly ModeratorDeletion[], messages: Map<string, Acc>): Map<string, ModeratorDeletion> => {
  const out = new Map<string, ModeratorDeletion>();
  for (const d of deletions) {
    const k = toHex(d.message);
    const acc = messages.get(k);
    // A deletion naming the wrong author would dodge the rank check done at replay: ignore it.
    if (acc === undefined || !equals(acc.item.envelope.body.account, d.author)) continue;
    const prev = out.get(k);
    if (prev === undefined || compare(d.entryId, prev.entryId) < 0) out.set(k, d);
  }
  return out;
};

const render = (acc: Acc, moderator: ModeratorDeletion | undefined, pinned: boolean): HistoryMessage => {
  const env = acc.item.envelope;
  const b = env.body;
  const head = { id: env.id, author: b.account, device: b.device, seq: b.seq, lamport: b.lamport };
  let deleted: Tombstone | undefined;
  if (moderator !== undefined) deleted = { reason: moderator.reason, by: moderator.by, entryId: moderator.entryId };
  else if (acc.authorDelete !== undefined) deleted = { reason: 'author', by: b.account, entryId: acc.authorDelete.id };
  if (deleted !== undefined)
    return { ...head, text: undefined, mentions: [], replyTo: undefined, edited: false, deleted, reactions: [], pinned, file: undefined };
  const current = acc.edit?.content ?? acc.item.content;
  return {
    ...head,
    text: current?.text,
    mentions: current?.mentions === undefined ? [] : [...current.mentions],
    replyTo: acc.item.content?.replyTo,
    edited: acc.edit !== undefined,
    deleted: undefined,
    reactions: aggregateReactions(acc.reactions),
    pinned,
    file: acc.item.content?.file,
  };
};

/** The visible history of `input.channel`. Pure: same set in, deep-equal view out. */
export const historyView = (input: HistoryInput): ChannelHistory => {
  const { kept, equivocations } = resolveEquivocation(dedupe(input.items, input.channel));
  const messages = new Map<string, Acc>();
  const ops: HistoryItem[] = [];
  for (const it of kept) {
    if (it.envelope.body.op === undefined) messages.set(toHex(it.envelope.id), newAcc(it));
    else ops.push(it);
  }
  ops.sort((x, y) => compareEnvelopes(x.envelope, y.envelope));
  for (const it of ops) {
    const target = messages.get(toHex(it.envelope.body.target as Uint8Array));
    if (target !== undefined) applyOp(target, it);
  }
  const moderator = pickModeratorDeletions(input.deletions ?? [], messages);
  const pins = new Set((input.pins ?? []).map(toHex));
  const out = [...messages.entries()]
    .sort(([, x], [, y]) => compareEnvelopes(x.item.envelope, y.item.envelope))
    .map(([k, acc]) => render(acc, moderator.get(k), pins.has(k)));
  return { messages: out, equivocations };
};

/**
 * historyView with the channel's moderator deletions and pins from the replayed authority log, and
 * BAN-with-purge applied: every envelope by the banned account at a position before the ban is
 * removed; its messages become tombstones (reason 'purge'), its ops (edits, reactions) vanish.
 */
export const channelHistory = (items: Iterable<HistoryItem>, view: AuthorityView, channel: Uint8Array): ChannelHistory => {
  const purges = view.purges();
  const deletions = [...view.moderatorDeletions(channel)];
  const kept: HistoryItem[] = [];
  for (const it of items) {
    const b = it.envelope.body;
    const purge = purges.length === 0 ? undefined : purgeOf(view, purges, b);
    if (purge === undefined) kept.push(it);
    else if (b.op === undefined) {
      kept.push(it);
      deletions.push({ message: it.envelope.id, author: b.account, by: purge.by, entryId: purge.entryId, reason: 'purge' });
    }
  }
  return historyView({ channel, items: kept, deletions, pins: view.pins(channel) });
};

type Purge = ReturnType<AuthorityView['purges']>[number];

/** The purge covering an envelope (its account's BAN with purge, at a later position), if any. */
const purgeOf = (view: AuthorityView, purges: readonly Purge[], b: Envelope): Purge | undefined => {
  let best: Purge | undefined;
  let pos: number | undefined;
  for (const p of purges) {
    if (!equals(p.account, b.account)) continue;
    if (pos === undefined) {
      pos = -1;
      for (const h of b.heads) pos = Math.max(pos, view.positionOf(h) ?? -1);
    }
    if (pos < p.position && (best === undefined || compare(p.entryId, best.entryId) < 0)) best = p;
  }
  return best;
};
