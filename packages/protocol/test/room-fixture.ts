/**
 * A test room built through the real authority log: members with certified devices, entries made with
 * nextEntry() and checked by replayAuthority(). Used by the authority, envelope and key tests.
 */
import assert from 'node:assert/strict';
import { type Author, createGenesis, cutoffRows, nextEntry } from '../src/authority/build.ts';
import type { AuthorityEntry, CutoffRow, EntryAction } from '../src/authority/entry.ts';
import { replayAuthority } from '../src/authority/replay.ts';
import type { RoomState } from '../src/authority/room-state.ts';
import type { RoomPolicy } from '../src/authority/view.ts';
import { toHex } from '../src/bytes.ts';
import type { Signed } from '../src/codec/signed.ts';
import type { ProtocolError } from '../src/errors.ts';
import { certifyDevice, type DeviceCert } from '../src/identity/device-cert.ts';
import { crypto, seededRandom, type TestUser, user } from './helpers.ts';

export const T0 = 1_750_000_000_000;

export interface Member extends TestUser {
  readonly cert: Signed<DeviceCert>;
  readonly author: Author;
  readonly key: Uint8Array;
}

export const member = (name: string): Member => {
  const u = user(name);
  const cert = certifyDevice(u.account, u.device, T0, crypto, `${name}-device`);
  return { ...u, cert, author: { account: u.account.publicKey, signer: u.device.sign, cert }, key: u.account.publicKey };
};

export const OPEN_POLICY: RoomPolicy = { join: 'open', durability: 'replicated', hubs: [], historyVisible: true, iceServers: [] };

export class TestRoom {
  entries: Signed<AuthorityEntry>[] = [];
  state: RoomState;
  time = T0;
  readonly owner: Member;
  private readonly rnd = seededRandom('test-room');

  constructor(owner: Member, name = 'Test room', policy: RoomPolicy = OPEN_POLICY) {
    this.owner = owner;
    const g = createGenesis({ author: owner.author, name, nonce: this.rnd(16), time: this.time }, crypto);
    this.entries.push(g);
    this.state = replayAuthority(this.entries, crypto);
    this.do(owner, { kind: 'set_policy', policy });
  }

  get roomId(): Uint8Array {
    return this.state.roomId;
  }

  /** Appends an entry by `who` built on the current heads; returns it (valid or not). */
  add(who: Member, action: EntryAction): Signed<AuthorityEntry> {
    this.time += 1000;
    const e = nextEntry(this.state, who.author, action, this.time, crypto);
    this.entries.push(e);
    this.state = replayAuthority(this.entries, crypto);
    return e;
  }

  /** Like add(), and asserts the entry was accepted. */
  do(who: Member, action: EntryAction): Signed<AuthorityEntry> {
    const e = this.add(who, action);
    const err = this.errorOf(e);
    assert.equal(err, undefined, `expected ${action.kind} by ${who.name} to be valid, got ${err?.message}`);
    return e;
  }

  /** Like add(), and returns the typed error the replay recorded for it. */
  reject(who: Member, action: EntryAction): ProtocolError {
    const e = this.add(who, action);
    const err = this.errorOf(e);
    assert.ok(err !== undefined, `expected ${action.kind} by ${who.name} to be rejected`);
    return err;
  }

  errorOf(e: Signed<AuthorityEntry>): ProtocolError | undefined {
    const h = toHex(e.id);
    return [...this.state.rejected, ...this.state.pending].find((r) => toHex(r.id) === h)?.error;
  }

  isValid(e: Signed<AuthorityEntry>): boolean {
    const p = this.state.positionOf(e.id);
    return p !== undefined && this.state.isValid(p);
  }

  join(m: Member): Signed<AuthorityEntry> {
    return this.do(m, { kind: 'join', cert: m.cert.bytes });
  }

  channel(name: string, by: Member = this.owner): Uint8Array {
    const channel = this.rnd(16);
    this.do(by, { kind: 'create_channel', channel, name, channelKind: 'text', topic: '' });
    return channel;
  }

  ban(by: Member, target: Member, channelRows: CutoffRow[] = [], purge = false): Signed<AuthorityEntry> {
    return this.do(by, { kind: 'ban', target: target.key, cutoffs: cutoffRows(this.state, target.key, channelRows), purge });
  }

  replay(entries: readonly Signed<AuthorityEntry>[] = this.entries): RoomState {
    return replayAuthority(entries, crypto);
  }
}

/** A compact, order-independent description of a state, for equality across replays. */
export const digest = (s: RoomState): string =>
  JSON.stringify({
    valid: s
      .validEntries()
      .map((e) => toHex(e.id))
      .sort(),
    heads: s.heads().map(toHex),
    members: s.members().map((m) => ({ a: toHex(m.account), r: m.roles, m: m.muted, p: m.pending, d: m.devices.map((d) => [toHex(d.device), d.revoked]) })),
    banned: s.banned().map(toHex),
    roles: s
      .roles()
      .map((r) => [r.id, r.caps, r.rank])
      .sort(),
    channels: s.channels().map((c) => ({ id: toHex(c.id), n: c.name, acl: c.acl, e: s.epochAt(c.id, s.length - 1) })),
    policy: s.policy(),
  });
