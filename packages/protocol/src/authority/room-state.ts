/**
 * RoomState: the result of replaying an authority log, queryable at any position of the total order
 * (see view.ts). Built by replay.ts; everything here is read-only lookups over versioned registers.
 */
import { compare, fromHex, hexOf, toHex } from '../bytes.ts';
import type { Signed } from '../codec/signed.ts';
import type { ProtocolError } from '../errors.ts';
import { CAP, OWNER_RANK, ROLE_MEMBER, type RoleDef } from './capabilities.ts';
import type { DiscoverySettings } from './discovery-settings.ts';
import type { AuthorityEntry } from './entry.ts';
import type { EpochList } from './epoch-list.ts';
import type { Versioned } from './versioned.ts';
import type { AuthorityView, ChannelInfo, CutoffHit, DeviceInfo, MemberInfo, ModeratorDeletion, RoomPolicy, StreamId } from './view.ts';

export interface MemberRecord {
  readonly roles: readonly string[];
  readonly muted: boolean;
  readonly pending: boolean;
}

/**
 * Everything the scan keeps about one account, found with one look-up per entry: membership (roles,
 * mute, pending) and ban registers, each made the first time the account's membership or ban changes.
 */
export interface AccountRecord {
  readonly account: Uint8Array;
  member: Versioned<MemberRecord | undefined> | undefined;
  banned: Versioned<boolean> | undefined;
}

export interface DeviceRecord {
  readonly device: Uint8Array;
  readonly account: Uint8Array;
  readonly boxKey: Uint8Array;
  /** Position of the entry that introduced it. */
  readonly addedAt: number;
  revokedAt: number | undefined;
}

/** Scope of a cut-off: which of the target's streams it covers. */
export type CutoffScope = { type: 'all' } | { type: 'authority' } | { type: 'channels' } | { type: 'channel'; channel: string };

export interface CutoffRecord {
  readonly entryId: Uint8Array;
  readonly kind: string;
  readonly position: number;
  readonly scope: CutoffScope;
  /** Highest authority-stream seq the issuer had seen; 0 without a row. */
  readonly authority: number;
  /** Channel stream hex -> highest seq the issuer had seen; absent rows mean 0. */
  readonly rows: ReadonlyMap<string, number>;
}

export interface Rejection {
  readonly id: Uint8Array;
  readonly error: ProtocolError;
}

export interface OrderedEntry {
  readonly entry: Signed<AuthorityEntry>;
  readonly hex: string;
  readonly position: number;
}

export interface RoomStateData {
  roomId: Uint8Array;
  creator: Uint8Array;
  order: OrderedEntry[];
  /** Every entry of this room that replay saw (connected or not). */
  known: readonly Signed<AuthorityEntry>[];
  /** Built on first use: the scan itself never needs it. */
  positions: Map<string, number> | undefined;
  /** 1 at the positions of valid entries. */
  valid: Uint8Array;
  rejected: Rejection[];
  pending: Rejection[];
  roles: Map<string, Versioned<RoleDef | undefined>>;
  channels: Map<string, Versioned<ChannelInfo | undefined>>;
  epochs: Map<string, EpochList>;
  policy: Versioned<RoomPolicy>;
  discovery: Versioned<DiscoverySettings | undefined>;
  devices: Map<string, DeviceRecord>;
  /** device hex -> cut-off records that cover it. */
  cutoffs: Map<string, CutoffRecord[]>;
  deletions: Map<string, ModeratorDeletion[]>;
  pins: Map<string, Map<string, { message: Uint8Array; pinned: boolean }>>;
  purges: { account: Uint8Array; by: Uint8Array; entryId: Uint8Array; position: number }[];
  /** account hex -> its record: the creator first, then every account whose membership or ban changed, in that order. */
  accounts: Map<string, AccountRecord>;
  /** Highest authority-stream seq per device over every known entry; built on first use. */
  maxSeq: Map<string, number> | undefined;
}

export class RoomState implements AuthorityView {
  readonly roomId: Uint8Array;
  readonly creator: Uint8Array;
  private readonly d: RoomStateData;
  /** The creator's record (always there, registers or not): compared by identity in the *At queries. */
  private readonly creatorRecord: AccountRecord | undefined;

  constructor(data: RoomStateData) {
    this.d = data;
    this.roomId = data.roomId;
    this.creator = data.creator;
    this.creatorRecord = data.accounts.get(hexOf(data.creator));
  }

  /** Every entry in total order, valid or not (positions index this array). */
  get entries(): readonly OrderedEntry[] {
    return this.d.order;
  }
  get length(): number {
    return this.d.order.length;
  }
  /** Entries that failed a rule, with the typed reason. */
  get rejected(): readonly Rejection[] {
    return this.d.rejected;
  }
  /** Entries waiting for a previous entry that is not known yet. */
  get pending(): readonly Rejection[] {
    return this.d.pending;
  }
  isValid(position: number): boolean {
    return this.d.valid[position] === 1;
  }
  /** Valid entries in order. */
  validEntries(): Signed<AuthorityEntry>[] {
    return this.d.order.filter((o) => this.d.valid[o.position] === 1).map((o) => o.entry);
  }

  positionOf(entryId: Uint8Array): number | undefined {
    if (this.d.positions === undefined) this.d.positions = new Map(this.d.order.map((o) => [o.hex, o.position]));
    return this.d.positions.get(toHex(entryId));
  }
  lamportOf(entryId: Uint8Array): number | undefined {
    const p = this.positionOf(entryId);
    return p === undefined ? undefined : this.d.order[p]?.entry.body.lamport;
  }

  heads(): Uint8Array[] {
    const referenced = new Set<string>();
    for (const o of this.d.order) if (this.d.valid[o.position] === 1) for (const p of o.entry.body.prev) referenced.add(hexOf(p));
    return this.d.order
      .filter((o) => this.d.valid[o.position] === 1 && !referenced.has(o.hex))
      .map((o) => o.entry.id)
      .sort(compare);
  }

  /** The next authority-stream sequence number for `device`. */
  nextSeq(device: Uint8Array): number {
    return this.highestSeq(device) + 1;
  }
  /** Highest authority-stream seq of `device` among known entries (0 if none): the authority row of a cut-off. */
  highestSeq(device: Uint8Array): number {
    if (this.d.maxSeq === undefined) {
      const m = new Map<string, number>();
      for (const e of this.d.known) {
        const d = hexOf(e.body.signer);
        m.set(d, Math.max(m.get(d) ?? 0, e.body.seq));
      }
      this.d.maxSeq = m;
    }
    return this.d.maxSeq.get(hexOf(device)) ?? 0;
  }

  deviceInfo(device: Uint8Array): DeviceInfo | undefined {
    const r = this.d.devices.get(toHex(device));
    return r === undefined ? undefined : { device: r.device, account: r.account, boxKey: r.boxKey, revoked: r.revokedAt !== undefined };
  }
  /** Devices certified for `account`, in the order they were added. */
  devicesOf(account: Uint8Array): DeviceRecord[] {
    const a = hexOf(account);
    return [...this.d.devices.values()].filter((r) => hexOf(r.account) === a);
  }

  /** The record of `account`, if its membership or ban ever changed (or it is the creator). */
  record(account: Uint8Array): AccountRecord | undefined {
    return this.d.accounts.get(hexOf(account));
  }
  private role(id: string, pos: number): RoleDef | undefined {
    return this.d.roles.get(id)?.at(pos);
  }

  /** Capability bits of `account` at `pos`, before channel ACLs. */
  capsOf(account: Uint8Array, pos: number): number {
    return this.capsAt(this.record(account), pos);
  }

  /** capsOf for an account already looked up (`rec` undefined: an account with no record). */
  capsAt(rec: AccountRecord | undefined, pos: number): number {
    if (rec === undefined) return 0;
    if (rec === this.creatorRecord) return 0xffffffff;
    if (rec.banned?.at(pos) === true) return 0;
    const m = rec.member?.at(pos);
    if (m === undefined || m.pending) return 0;
    let caps = this.role(ROLE_MEMBER, pos)?.caps ?? 0;
    for (const r of m.roles) caps |= this.role(r, pos)?.caps ?? 0;
    if (m.muted) caps &= ~CAP.SEND;
    return caps;
  }

  isMember(account: Uint8Array, pos: number): boolean {
    return this.isMemberAt(this.record(account), pos);
  }

  isMemberAt(rec: AccountRecord | undefined, pos: number): boolean {
    if (rec === undefined) return false;
    if (rec === this.creatorRecord) return true;
    return rec.member?.at(pos) !== undefined && rec.banned?.at(pos) !== true;
  }

  can(account: Uint8Array, cap: number, channel: Uint8Array | undefined, pos: number): boolean {
    const rec = this.record(account);
    if ((this.capsAt(rec, pos) & cap) !== cap) return false;
    if (channel === undefined || (cap & (CAP.READ | CAP.SEND)) === 0) return true;
    const ch = this.d.channels.get(hexOf(channel))?.at(pos);
    return ch !== undefined && this.aclAllowsAt(ch, account, rec, cap, pos);
  }

  /** Whether `ch`'s ACL (if any) lets `account` use `cap` (READ and/or SEND) at `pos`; capabilities are checked separately. */
  aclAllows(ch: ChannelInfo, account: Uint8Array, cap: number, pos: number): boolean {
    return ch.acl === undefined || this.aclAllowsAt(ch, account, this.record(account), cap, pos);
  }

  /** aclAllows for an account already looked up (`rec` is the record of `account`, if any). */
  aclAllowsAt(ch: ChannelInfo, account: Uint8Array, rec: AccountRecord | undefined, cap: number, pos: number): boolean {
    if (ch.acl === undefined || (rec !== undefined && rec === this.creatorRecord)) return true;
    const m = rec?.member?.at(pos);
    const roles = new Set([ROLE_MEMBER, ...(m?.roles ?? [])]);
    const listed = ch.acl.accounts.some((x) => compare(x, account) === 0);
    const allowed = (list: readonly string[]): boolean => listed || list.some((r) => roles.has(r));
    if ((cap & CAP.READ) !== 0 && !allowed(ch.acl.read)) return false;
    if ((cap & CAP.SEND) !== 0 && !allowed(ch.acl.send)) return false;
    return true;
  }

  /** Hex ids of every channel (alive at `pos`) that `account` may read at `pos`. */
  readableChannels(account: Uint8Array, pos: number): string[] {
    const rec = this.record(account);
    if ((this.capsAt(rec, pos) & CAP.READ) === 0) return [];
    const out: string[] = [];
    for (const [h, v] of this.d.channels) {
      const c = v.at(pos);
      if (c !== undefined && this.aclAllowsAt(c, account, rec, CAP.READ, pos)) out.push(h);
    }
    return out;
  }

  rankOf(account: Uint8Array, pos: number): number {
    return this.rankAt(this.record(account), pos);
  }

  rankAt(rec: AccountRecord | undefined, pos: number): number {
    if (rec === undefined) return 0;
    if (rec === this.creatorRecord) return OWNER_RANK;
    const m = rec.member?.at(pos);
    if (m === undefined || rec.banned?.at(pos) === true) return 0;
    let rank = 0;
    for (const r of m.roles) rank = Math.max(rank, this.role(r, pos)?.rank ?? 0);
    return rank;
  }

  cutoffViolation(device: Uint8Array, stream: StreamId, seq: number, pos: number): CutoffHit | undefined {
    const records = this.d.cutoffs.get(toHex(device));
    if (records === undefined) return undefined;
    const s = toHex(stream);
    for (const r of records) {
      if (pos >= r.position) continue;
      if (!scopeCovers(r.scope, s)) continue;
      const cutoff = s === '' ? r.authority : (r.rows.get(s) ?? 0);
      if (seq > cutoff) return { entryId: r.entryId, kind: r.kind, cutoff };
    }
    return undefined;
  }

  channelAt(channel: Uint8Array, pos: number): ChannelInfo | undefined {
    return this.d.channels.get(toHex(channel))?.at(pos);
  }
  epochAt(channel: Uint8Array, pos: number): number {
    const list = this.d.epochs.get(toHex(channel))?.positions;
    if (list === undefined || list.length === 0 || (list[0] ?? 0) > pos) return 0;
    let e = 0;
    for (let i = 0; i < list.length; i++) if ((list[i] ?? Number.POSITIVE_INFINITY) <= pos) e = i;
    return e;
  }
  epochTrigger(channel: Uint8Array, epoch: number): { entryId: Uint8Array; position: number } | undefined {
    return this.d.epochs.get(hexOf(channel))?.trigger(epoch);
  }

  causalEpoch(channel: Uint8Array, heads: readonly Uint8Array[]): number {
    const list = this.d.epochs.get(toHex(channel));
    if (list === undefined || list.length === 0) return 0;
    const triggers = new Set(list.ids.map((id) => hexOf(id)));
    // Walk back from the heads over previous-entry links (only on the rare path where the counts differ).
    const seen = new Set<string>();
    const stack = heads.map(hexOf);
    let count = 0;
    while (stack.length > 0) {
      const h = stack.pop() as string;
      if (seen.has(h)) continue;
      seen.add(h);
      if (triggers.has(h)) count++;
      const at = this.positionOf(fromHex(h));
      const e = at === undefined ? undefined : this.d.order[at]?.entry;
      if (e !== undefined) for (const p of e.body.prev) stack.push(hexOf(p));
    }
    return Math.max(0, count - 1);
  }

  readersAt(channel: Uint8Array, pos: number): DeviceInfo[] {
    const out: DeviceInfo[] = [];
    for (const r of this.d.devices.values()) {
      if (r.addedAt > pos || (r.revokedAt !== undefined && r.revokedAt <= pos)) continue;
      if (!this.can(r.account, CAP.READ, channel, pos)) continue;
      out.push({ device: r.device, account: r.account, boxKey: r.boxKey, revoked: false });
    }
    return out.sort((x, y) => compare(x.device, y.device));
  }

  policy(): RoomPolicy {
    return this.d.policy.latest;
  }
  discovery(): DiscoverySettings | undefined {
    return this.d.discovery.latest;
  }
  roles(): RoleDef[] {
    return [...this.d.roles.values()].map((v) => v.latest).filter((r): r is RoleDef => r !== undefined);
  }
  members(): MemberInfo[] {
    const out: MemberInfo[] = [];
    const last = this.length - 1;
    for (const rec of this.d.accounts.values()) {
      const m = rec.member?.latest;
      if (m === undefined || rec.banned?.at(last) === true) continue;
      const account = rec.account;
      out.push({
        account,
        roles: m.roles,
        muted: m.muted,
        pending: m.pending,
        devices: this.devicesOf(account).map((r) => this.deviceInfo(r.device) as DeviceInfo),
      });
    }
    return out.sort((x, y) => compare(x.account, y.account));
  }
  banned(): Uint8Array[] {
    return [...this.d.accounts.values()]
      .filter((rec) => rec.banned?.latest === true)
      .map((rec) => rec.account)
      .sort(compare);
  }
  channels(): ChannelInfo[] {
    return [...this.d.channels.values()].map((v) => v.latest).filter((c): c is ChannelInfo => c !== undefined);
  }
  moderatorDeletions(channel: Uint8Array): ModeratorDeletion[] {
    return this.d.deletions.get(hexOf(channel)) ?? [];
  }
  purges(): { account: Uint8Array; by: Uint8Array; entryId: Uint8Array; position: number }[] {
    return this.d.purges;
  }
  pins(channel: Uint8Array): Uint8Array[] {
    const m = this.d.pins.get(hexOf(channel));
    if (m === undefined) return [];
    return [...m.values()]
      .filter((p) => p.pinned)
      .map((p) => p.message)
      .sort(compare);
  }
}

const scopeCovers = (scope: CutoffScope, stream: string): boolean => {
  switch (scope.type) {
    case 'all':
      return true;
    case 'authority':
      return stream === '';
    case 'channels':
      return stream !== '';
    case 'channel':
      return stream === scope.channel;
  }
};
