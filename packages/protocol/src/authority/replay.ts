/**
 * Replay: from any set of verified AUTHORITY_ENTRY objects to one RoomState, identical for every peer
 * holding the same set, whatever the arrival order.
 *
 *  1. Structure: entries of other rooms are rejected; an entry is *connected* when every previous
 *     entry is known and connected and its Lamport clock is exactly 1 + the highest of them
 *     (GENESIS: no previous entries, Lamport 0). Entries waiting on unknown entries are *pending*.
 *  2. Order: connected entries sorted by (Lamport, id). Because Lamport grows along every link this
 *     is a topological order, and it is total.
 *  3. Forward scan: each entry is checked against the state after all earlier valid entries
 *     (signer certified and not revoked, not banned, capability, rank, kind rules) and applied.
 *  4. Cut-offs: an entry by device d with authority seq s sorted before a valid BAN / KICK / REVOKE /
 *     REVOKE_DEVICE R covering d, with s above R's cut-off for d, is invalid. Such entries are
 *     excluded and the scan repeats (exclusions only grow, so this ends).
 */
import { compare, equals, hexOf } from '../bytes.ts';
import type { Signed } from '../codec/signed.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { CutoffError, InvalidFieldError, ProtocolError, UnauthorizedError, UnknownReferenceError } from '../errors.ts';
import { STATIC_ROLES } from './capabilities.ts';
import type { DiscoverySettings } from './discovery-settings.ts';
import type { AuthorityEntry, CutoffRow } from './entry.ts';
import { roomIdOf } from './room-id.ts';
import { type CutoffRecord, type OrderedEntry, type Rejection, RoomState, type RoomStateData } from './room-state.ts';
import {
  applyCreateChannel,
  applyDeleteChannel,
  applyDeleteMessage,
  applyEditChannel,
  applyPin,
  applyRevokeInvite,
  applyRotate,
  applySetChannelAcl,
  applySetDiscovery,
  applySetPolicy,
} from './rules-channels.ts';
import { applyAddDevice, applyGenesis, applyJoin, applyLeave, applyRevokeDevice } from './rules-membership.ts';
import { applyBan, applyDefineRole, applyGrant, applyKick, applyMute, applyRevoke, applyUnban } from './rules-moderation.ts';
import type { PendingCutoff, ScanContext } from './scan-context.ts';
import { SignerLog } from './signer-log.ts';
import { Versioned } from './versioned.ts';
import type { RoomPolicy } from './view.ts';

export const DEFAULT_POLICY: RoomPolicy = { join: 'invite', durability: 'replicated', hubs: [], historyVisible: true, iceServers: [] };

/** Picks the room's genesis: the lowest-id well-formed GENESIS whose room id derives from its fields. */
const findGenesis = (entries: readonly Signed<AuthorityEntry>[], crypto: CryptoPort, roomId?: Uint8Array): Signed<AuthorityEntry> | undefined => {
  let best: Signed<AuthorityEntry> | undefined;
  // Indexed loops over the entries here and below: these run once per replay, often before they are
  // optimised, and an unoptimised for-of allocates an iterator result per entry.
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as Signed<AuthorityEntry>;
    const a = e.body.action;
    if (a.kind !== 'genesis' || e.body.prev.length !== 0 || e.body.lamport !== 0) continue;
    if (!equals(roomIdOf(e.body.account, a.name, a.nonce, crypto), e.body.room)) continue;
    if (roomId !== undefined && !equals(e.body.room, roomId)) continue;
    if (best === undefined || compare(e.id, best.id) < 0) best = e;
  }
  return best;
};

export const replayAuthority = (entries: readonly Signed<AuthorityEntry>[], crypto: CryptoPort, roomId?: Uint8Array): RoomState => {
  const genesis = findGenesis(entries, crypto, roomId);
  const room = genesis?.body.room ?? roomId ?? new Uint8Array(32);
  const rejected: Rejection[] = [];
  const pending: Rejection[] = [];
  const { mine, order } = structure(entries, genesis, room, rejected, pending);

  // 3 + 4. Scan until no entry is newly excluded by a cut-off.
  const excluded = new Map<number, CutoffError>();
  for (;;) {
    const { data, errors, signers } = scan(order, mine, room, genesis?.body.account ?? new Uint8Array(32), crypto, excluded);
    const newly = cutoffViolations(data, signers);
    if (newly.size === 0) {
      data.rejected = [...rejected, ...errors];
      data.pending = pending;
      return new RoomState(data);
    }
    for (const [p, err] of newly) excluded.set(p, err);
  }
};

/**
 * Steps 1 and 2: this room's distinct entries (`mine`) and its connected ones in total order. Its own
 * function so that the id index and the flat arrays are garbage before the scan starts.
 */
const structure = (
  entries: readonly Signed<AuthorityEntry>[],
  genesis: Signed<AuthorityEntry> | undefined,
  room: Uint8Array,
  rejected: Rejection[],
  pending: Rejection[],
): { mine: Signed<AuthorityEntry>[]; order: OrderedEntry[] } => {
  // 1. Structure: one pass drops duplicates and other rooms' entries and indexes the rest by id. It
  // also copies what the next passes need (Lamport clock, previous entries' ids) into flat arrays,
  // so they do not go back to the entry objects: at 100k entries those are far out of cache.
  const index = new Map<string, number>();
  const mine: Signed<AuthorityEntry>[] = [];
  const hexes: string[] = [];
  const lamports: number[] = [];
  const prevCounts: number[] = [];
  const prevHexes: string[] = [];
  let genesisAt = -1;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as Signed<AuthorityEntry>;
    const h = hexOf(e.id);
    if (index.has(h)) continue;
    const b = e.body;
    if (!equals(b.room, room)) {
      index.set(h, -1);
      rejected.push({ id: e.id, error: new InvalidFieldError('entry.r', 'entry is for another room') });
      continue;
    }
    if (e === genesis) genesisAt = mine.length;
    index.set(h, mine.length);
    mine.push(e);
    hexes.push(h);
    lamports.push(b.lamport);
    const prev = b.prev;
    prevCounts.push(prev.length);
    for (let j = 0; j < prev.length; j++) prevHexes.push(hexOf(prev[j] as Uint8Array));
  }
  const connected = resolveStructure(mine, index, { genesisAt, lamports, prevCounts, prevHexes }, rejected, pending);

  // 2. Order.
  const order: OrderedEntry[] = connected
    .sort(
      (i, j) => (lamports[i] as number) - (lamports[j] as number) || compare((mine[i] as Signed<AuthorityEntry>).id, (mine[j] as Signed<AuthorityEntry>).id),
    )
    .map((i, position) => ({ entry: mine[i] as Signed<AuthorityEntry>, hex: hexes[i] as string, position }));
  return { mine, order };
};

/**
 * Kahn's algorithm over the previous-entry links: an entry is examined once all the entries it names
 * have been; it is connected if they all are and its Lamport clock is 1 + their maximum. Entries that
 * name unknown or unconnected entries (or sit on a cycle, which hashes make impossible in practice)
 * stay pending.
 */
const resolveStructure = (
  mine: readonly Signed<AuthorityEntry>[],
  /** id hex -> index in `mine`; -1 for known entries of other rooms. */
  index: ReadonlyMap<string, number>,
  /**
   * Per index in `mine`: Lamport clock and number of previous entries; the previous entries' id hexes
   * of every entry, one after the other; the genesis' index (-1: none).
   */
  flat: { readonly genesisAt: number; readonly lamports: readonly number[]; readonly prevCounts: readonly number[]; readonly prevHexes: readonly string[] },
  rejected: Rejection[],
  pending: Rejection[],
): number[] => {
  const n = mine.length;
  const { genesisAt, lamports, prevCounts, prevHexes } = flat;
  // Previous-entry indices of entry i are prevFlat[prevStart[i] .. prevStart[i+1]); -1 marks an unknown one.
  const prevStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) prevStart[i + 1] = (prevStart[i] as number) + (prevCounts[i] as number);
  const prevFlat = new Int32Array(prevStart[n] as number);
  const waiting = new Int32Array(n);
  const childStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    for (let j = prevStart[i] as number; j < (prevStart[i + 1] as number); j++) {
      const found = index.get(prevHexes[j] as string);
      const k = found === undefined || found < 0 ? undefined : found;
      prevFlat[j] = k ?? -1;
      if (k !== undefined) {
        waiting[i] = (waiting[i] as number) + 1;
        childStart[k + 1] = (childStart[k + 1] as number) + 1;
      }
    }
  }
  // Children lists in one flat array (counting sort by parent).
  for (let i = 0; i < n; i++) childStart[i + 1] = (childStart[i + 1] as number) + (childStart[i] as number);
  const fill = childStart.slice(0, n);
  const children = new Int32Array(childStart[n] as number);
  for (let i = 0; i < n; i++) {
    for (let j = prevStart[i] as number; j < (prevStart[i + 1] as number); j++) {
      const k = prevFlat[j] as number;
      if (k < 0) continue;
      const at = fill[k] as number;
      children[at] = i;
      fill[k] = at + 1;
    }
  }

  const state = new Int8Array(n); // 0 unseen, 1 connected, 2 rejected/pending
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (waiting[i] === 0) queue.push(i);
  let done = 0;
  /** Indices in `mine` of the connected entries. */
  const connected: number[] = [];
  while (queue.length > 0) {
    const i = queue.pop() as number;
    done++;
    const from = prevStart[i] as number;
    const count = (prevStart[i + 1] as number) - from;
    if (count === 0) {
      if (i === genesisAt) {
        state[i] = 1;
        connected.push(i);
      } else {
        state[i] = 2;
        rejected.push({ id: (mine[i] as Signed<AuthorityEntry>).id, error: new InvalidFieldError('entry.p', 'only the genesis has no previous entries') });
      }
    } else {
      let maxL = -1;
      let problem: string | undefined;
      for (let j = 0; j < count; j++) {
        const k = prevFlat[from + j] as number;
        if (k < 0) {
          problem = `previous entry ${(prevHexes[from + j] as string).slice(0, 16)} is unknown`;
          break;
        }
        if (state[k] !== 1) {
          problem = `previous entry ${(prevHexes[from + j] as string).slice(0, 16)} is not connected`;
          break;
        }
        const l = lamports[k] as number;
        if (l > maxL) maxL = l;
      }
      state[i] = 2;
      if (problem !== undefined) pending.push({ id: (mine[i] as Signed<AuthorityEntry>).id, error: new UnknownReferenceError('entry.p', problem) });
      else if (lamports[i] !== maxL + 1)
        rejected.push({ id: (mine[i] as Signed<AuthorityEntry>).id, error: new InvalidFieldError('entry.l', `Lamport must be ${maxL + 1}`) });
      else {
        state[i] = 1;
        connected.push(i);
      }
    }
    for (let c = childStart[i] as number; c < (childStart[i + 1] as number); c++) {
      const ch = children[c] as number;
      const left = (waiting[ch] as number) - 1;
      waiting[ch] = left;
      if (left === 0) queue.push(ch);
    }
  }
  if (done < n) {
    for (let i = 0; i < n; i++) {
      if (state[i] === 0)
        pending.push({ id: (mine[i] as Signed<AuthorityEntry>).id, error: new UnknownReferenceError('entry.p', 'previous entries form a cycle') });
    }
  }
  return connected;
};

const freshData = (order: OrderedEntry[], known: readonly Signed<AuthorityEntry>[], room: Uint8Array, creator: Uint8Array): RoomStateData => ({
  roomId: room,
  creator,
  order,
  known,
  positions: undefined,
  valid: new Uint8Array(order.length),
  rejected: [],
  pending: [],
  roles: new Map(),
  channels: new Map(),
  epochs: new Map(),
  policy: new Versioned<RoomPolicy>(DEFAULT_POLICY),
  discovery: new Versioned<DiscoverySettings | undefined>(undefined),
  devices: new Map(),
  cutoffs: new Map(),
  deletions: new Map(),
  pins: new Map(),
  purges: [],
  accounts: new Map([[hexOf(creator), { account: creator, member: undefined, banned: undefined }]]),
  maxSeq: undefined,
});

const scan = (
  order: OrderedEntry[],
  known: readonly Signed<AuthorityEntry>[],
  room: Uint8Array,
  creator: Uint8Array,
  crypto: CryptoPort,
  excluded: Map<number, CutoffError>,
): { data: RoomStateData; errors: Rejection[]; signers: Map<string, SignerLog> } => {
  const data = freshData(order, known, room, creator);
  const state = new RoomState(data);
  const ctx: ScanContext = {
    data,
    state,
    crypto,
    inviteUses: new Map(),
    revokedInvites: new Map(),
    channelsEver: new Set(),
    channelSlots: [],
    cutoffEntries: [],
    memberRecords: new Map(),
  };
  const errors: Rejection[] = [];
  /** signer hex -> seqs and positions of its valid entries. */
  const signers = new Map<string, SignerLog>();
  for (const role of STATIC_ROLES) {
    const v = new Versioned(role);
    data.roles.set(role.id, v);
  }
  for (let i = 0; i < order.length; i++) {
    const o = order[i] as OrderedEntry;
    const cut = excluded.size === 0 ? undefined : excluded.get(o.position);
    if (cut !== undefined) {
      errors.push({ id: o.entry.id, error: cut });
      continue;
    }
    try {
      const signer = hexOf(o.entry.body.signer);
      const log = signers.get(signer);
      if (log?.used(o.entry.body.seq)) throw new InvalidFieldError('entry.s', 'equivocation: this device already used this sequence number');
      applyEntry(ctx, o, signer);
      if (log === undefined) signers.set(signer, new SignerLog(o.entry.body.seq, o.position));
      else log.add(o.entry.body.seq, o.position);
      data.valid[o.position] = 1;
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      errors.push({ id: o.entry.id, error: err });
    }
  }
  // Materialise cut-off records per covered device: the device, or the account and its devices.
  const devices = devicesByAccount(data);
  for (let i = 0; i < ctx.cutoffEntries.length; i++) {
    const c = ctx.cutoffEntries[i] as PendingCutoff;
    if (c.device !== undefined) addCutoff(data, c, c.device);
    else {
      const account = c.account as Uint8Array;
      addCutoff(data, c, account);
      const more = devices.size === 0 ? undefined : devices.get(hexOf(account));
      if (more !== undefined) for (const dev of more) addCutoff(data, c, dev);
    }
  }
  return { data, errors, signers };
};

/** Certified devices per account hex, each list in the order the devices were added. */
const devicesByAccount = (data: RoomStateData): Map<string, Uint8Array[]> => {
  const out = new Map<string, Uint8Array[]>();
  for (const d of data.devices.values()) {
    const h = hexOf(d.account);
    const list = out.get(h);
    if (list === undefined) out.set(h, [d.device]);
    else list.push(d.device);
  }
  return out;
};

const NO_ROWS: ReadonlyMap<string, number> = new Map();

/** Adds `c`'s record to `dev`; most cut-offs (BAN, REVOKE) have only an authority row, so no map for them. */
const addCutoff = (data: RoomStateData, c: PendingCutoff, dev: Uint8Array): void => {
  let authority = 0;
  let rows: Map<string, number> | undefined;
  for (let i = 0; i < c.rows.length; i++) {
    const r = c.rows[i] as CutoffRow;
    if (!equals(r.device, dev)) continue;
    if (r.stream.length === 0) authority = r.seq;
    else {
      rows ??= new Map();
      rows.set(hexOf(r.stream), r.seq);
    }
  }
  const rec: CutoffRecord = { entryId: c.entryId, kind: c.kind, position: c.position, scope: c.scope, authority, rows: rows ?? NO_ROWS };
  const h = hexOf(dev);
  const list = data.cutoffs.get(h);
  if (list === undefined) data.cutoffs.set(h, [rec]);
  else list.push(rec);
};

/** Checks and applies one entry; `signerHex` is hexOf(its signer). */
const applyEntry = (ctx: ScanContext, o: OrderedEntry, signerHex: string): void => {
  const e = o.entry.body;
  const a = e.action;
  const before = o.position - 1;
  if (a.kind === 'genesis') {
    applyGenesis(ctx, o, a);
    return;
  }
  if (!ctx.data.valid[0]) throw new UnauthorizedError('entry', 'the room has no valid genesis');
  const byDevice = !equals(e.signer, e.account);
  // The signer's account, looked up once: every rule reads its membership, ban and roles from here.
  const actor = ctx.data.accounts.get(byDevice ? hexOf(e.account) : signerHex);
  if (actor?.banned?.at(before) === true) throw new UnauthorizedError('entry.u', 'account is banned');
  const introducesSigner = (a.kind === 'join' || a.kind === 'add_device') && a.cert !== undefined;
  if (byDevice) {
    const dev = ctx.data.devices.get(signerHex);
    if (dev === undefined) {
      if (!introducesSigner) throw new UnauthorizedError('entry.a', 'signer is not a certified device of the account in this room');
    } else {
      if (!equals(dev.account, e.account)) throw new UnauthorizedError('entry.a', 'device belongs to another account');
      if (dev.revokedAt !== undefined && dev.revokedAt <= before) throw new UnauthorizedError('entry.a', 'device is revoked');
    }
  }
  switch (a.kind) {
    case 'join':
      applyJoin(ctx, o, a, before, actor);
      break;
    case 'leave':
      applyLeave(ctx, o, before, actor);
      break;
    case 'add_device':
      applyAddDevice(ctx, o, a, before, actor);
      break;
    case 'revoke_device':
      applyRevokeDevice(ctx, o, a, before, actor);
      break;
    case 'define_role':
      applyDefineRole(ctx, o, a, before, actor);
      break;
    case 'grant':
      applyGrant(ctx, o, a, before, actor);
      break;
    case 'revoke':
      applyRevoke(ctx, o, a, before, actor);
      break;
    case 'ban':
      applyBan(ctx, o, a, before, actor);
      break;
    case 'unban':
      applyUnban(ctx, o, a, before, actor);
      break;
    case 'kick':
      applyKick(ctx, o, a, before, actor);
      break;
    case 'mute':
    case 'unmute':
      applyMute(ctx, o, a, before, actor);
      break;
    case 'set_policy':
      applySetPolicy(ctx, o, a, before, actor);
      break;
    case 'set_discovery':
      applySetDiscovery(ctx, o, a, before, actor);
      break;
    case 'create_channel':
      applyCreateChannel(ctx, o, a, before, actor);
      break;
    case 'edit_channel':
      applyEditChannel(ctx, o, a, before, actor);
      break;
    case 'delete_channel':
      applyDeleteChannel(ctx, o, a, before, actor);
      break;
    case 'set_channel_acl':
      applySetChannelAcl(ctx, o, a, before, actor);
      break;
    case 'delete_message':
      applyDeleteMessage(ctx, o, a, before, actor);
      break;
    case 'pin':
      applyPin(ctx, o, a, before, actor);
      break;
    case 'revoke_invite':
      applyRevokeInvite(ctx, o, a, before, actor);
      break;
    case 'rotate':
      applyRotate(ctx, o, a, before, actor);
      break;
  }
  // An entry that introduced its own signer must have made it a device of the account.
  if (byDevice) {
    const dev = ctx.data.devices.get(signerHex);
    if (dev === undefined || !equals(dev.account, e.account)) throw new UnauthorizedError('entry.a', 'signer is not a certified device of the account');
  }
};

/**
 * Valid entries that sort before a cut-off entry covering their device, above its authority-stream
 * cut-off. No exemption for the cut-off entry's own ancestors: an honest issuer lists the highest seq
 * it knows, which covers them all, and checking ancestry would make this pass quadratic.
 */
const cutoffViolations = (data: RoomStateData, signers: ReadonlyMap<string, SignerLog>): Map<number, CutoffError> => {
  const out = new Map<number, CutoffError>();
  // Only the valid entries of covered devices can violate a cut-off: visit those, device by device.
  data.cutoffs.forEach((records, device) => {
    const log = signers.get(device);
    if (log !== undefined) deviceViolations(log, records, out);
  });
  return out;
};

const deviceViolations = (log: SignerLog, records: readonly CutoffRecord[], out: Map<number, CutoffError>): void => {
  const { positions, seqs } = log;
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i] as number;
    const seq = seqs[i] as number;
    for (const r of records) {
      if (p >= r.position) continue;
      if (r.scope.type === 'channels' || r.scope.type === 'channel') continue;
      if (seq <= r.authority) continue;
      out.set(p, new CutoffError('entry.s', `seq ${seq} is above the ${r.kind} cut-off ${r.authority}`));
      break;
    }
  }
};
