/**
 * The in-memory reference implementation of ObjectStore: plain maps and sorted arrays, every
 * operation synchronous under the hood (so each call is atomic), every answer a fresh copy.
 * For tests, bots and short-lived peers; it keeps nothing across restarts.
 */
import { compare, type HaveVector, type ObjectTypeName, toHex } from '@parley/protocol';
import {
  checkAttempt,
  checkBy,
  checkChannel,
  checkEvictOptions,
  checkId,
  checkIds,
  checkKey,
  checkLimit,
  checkOptRoom,
  checkParts,
  checkPendingQuery,
  checkRangeBounds,
  checkRangeQuery,
  checkRoom,
  checkSeqRange,
  checkTargets,
  checkType,
  checkTypeQuery,
} from '../arguments.ts';
import { type Bounds, type Cursor, compareCursors } from '../cursor.ts';
import { StoreClosedError } from '../errors.ts';
import { EMPTY_FINGERPRINT, type Fingerprint } from '../fingerprint.ts';
import type { AckResult, EvictOptions, ObjectStore, OutboxEntry, PendingQuery, RangeQuery, RangeSummary, TypeQuery, Usage } from '../object-store.ts';
import { STORE_LIMITS } from '../store-limits.ts';
import { checkObject, checkObjects, copyObject, plainBytes, type StoredObject } from '../stored-object.ts';
import { ChannelLog } from './channel-log.ts';
import { MemoryOutbox } from './memory-outbox.ts';

interface RoomData {
  bytes: number;
  /** id hex -> object */
  readonly objects: Map<string, StoredObject>;
  readonly byType: Map<ObjectTypeName, Map<string, StoredObject>>;
  readonly channels: Map<string, ChannelLog>;
}

const copyCursor = (c: Cursor | undefined): Cursor | undefined => (c === undefined ? undefined : { lamport: c.lamport, id: plainBytes(c.id) });

export class MemoryStore implements ObjectStore {
  /** id hex -> room hex -> object */
  readonly #byId = new Map<string, Map<string, StoredObject>>();
  readonly #rooms = new Map<string, RoomData>();
  readonly #outbox = new MemoryOutbox();
  #closed = false;

  #open(method: string): void {
    if (this.#closed) throw new StoreClosedError(method);
  }

  #room(room: Uint8Array): RoomData | undefined {
    return this.#rooms.get(toHex(room));
  }

  #channel(room: Uint8Array, channel: Uint8Array): ChannelLog | undefined {
    return this.#room(room)?.channels.get(toHex(channel));
  }

  /**
   * Adds one checked object; false if (room, id) was already held. With `later`, envelopes are
   * collected per channel log for one sorted merge at the end of the batch instead of one insert each.
   */
  #add(o: StoredObject, later?: Map<ChannelLog, StoredObject[]>): boolean {
    const id = toHex(o.id);
    const rk = toHex(o.room);
    let copies = this.#byId.get(id);
    if (copies?.has(rk)) return false;
    if (copies === undefined) this.#byId.set(id, (copies = new Map()));
    copies.set(rk, o);
    let r = this.#rooms.get(rk);
    if (r === undefined) this.#rooms.set(rk, (r = { bytes: 0, objects: new Map(), byType: new Map(), channels: new Map() }));
    r.bytes += o.bytes.length;
    r.objects.set(id, o);
    let t = r.byType.get(o.type);
    if (t === undefined) r.byType.set(o.type, (t = new Map()));
    t.set(id, o);
    if (o.type === 'ENVELOPE') {
      const ck = toHex(o.channel as Uint8Array);
      let log = r.channels.get(ck);
      if (log === undefined) r.channels.set(ck, (log = new ChannelLog()));
      if (later === undefined) log.add(o);
      else {
        const batch = later.get(log);
        if (batch === undefined) later.set(log, [o]);
        else batch.push(o);
      }
    }
    return true;
  }

  #remove(o: StoredObject): void {
    const id = toHex(o.id);
    const rk = toHex(o.room);
    const copies = this.#byId.get(id);
    copies?.delete(rk);
    if (copies?.size === 0) this.#byId.delete(id);
    const r = this.#rooms.get(rk);
    if (r === undefined) return;
    r.bytes -= o.bytes.length;
    r.objects.delete(id);
    r.byType.get(o.type)?.delete(id);
    if (o.type === 'ENVELOPE') r.channels.get(toHex(o.channel as Uint8Array))?.remove(o);
  }

  async put(objects: readonly StoredObject[]): Promise<number> {
    this.#open('put');
    // Check the whole batch before writing any of it: all or nothing.
    const checked = checkObjects(objects, STORE_LIMITS.maxBatch);
    let added = 0;
    const envelopes = new Map<ChannelLog, StoredObject[]>();
    for (const o of checked) if (this.#add(o, envelopes)) added++;
    for (const [log, batch] of envelopes) log.addMany(batch);
    return added;
  }

  async get(id: Uint8Array, room?: Uint8Array): Promise<StoredObject | undefined> {
    this.#open('get');
    checkId(id);
    const scope = checkOptRoom(room);
    const copies = this.#byId.get(toHex(id));
    if (copies === undefined) return undefined;
    const o = scope === undefined ? [...copies.values()].sort((a, b) => compare(a.room, b.room))[0] : copies.get(toHex(scope));
    return o === undefined ? undefined : copyObject(o);
  }

  async has(ids: readonly Uint8Array[], room?: Uint8Array): Promise<boolean[]> {
    this.#open('has');
    const checked = checkIds(ids);
    const scope = checkOptRoom(room);
    return checked.map((id) => {
      const copies = this.#byId.get(toHex(id));
      return copies !== undefined && (scope === undefined || copies.has(toHex(scope)));
    });
  }

  async delete(ids: readonly Uint8Array[], room?: Uint8Array): Promise<number> {
    this.#open('delete');
    const checked = checkIds(ids);
    const scope = checkOptRoom(room);
    let removed = 0;
    for (const k of new Set(checked.map(toHex))) {
      const copies = [...(this.#byId.get(k)?.values() ?? [])].filter((o) => scope === undefined || compare(o.room, scope) === 0);
      for (const o of copies) this.#remove(o);
      if (copies.length > 0) removed++;
    }
    return removed;
  }

  async authority(room: Uint8Array): Promise<StoredObject[]> {
    this.#open('authority');
    checkRoom(room);
    const all = [...(this.#room(room)?.byType.get('AUTHORITY_ENTRY')?.values() ?? [])];
    return all.sort((a, b) => compareCursors({ lamport: a.lamport as number, id: a.id }, { lamport: b.lamport as number, id: b.id })).map(copyObject);
  }

  async byType(room: Uint8Array, type: ObjectTypeName, query?: TypeQuery): Promise<StoredObject[]> {
    this.#open('byType');
    checkRoom(room);
    checkType(type);
    const q = checkTypeQuery(query);
    const match = (x: Uint8Array | undefined, want: Uint8Array | undefined): boolean => want === undefined || (x !== undefined && compare(x, want) === 0);
    return [...(this.#room(room)?.byType.get(type)?.values() ?? [])]
      .filter((o) => match(o.account, q.account) && match(o.channel, q.channel) && (q.afterId === undefined || compare(o.id, q.afterId) > 0))
      .sort((a, b) => compare(a.id, b.id))
      .slice(0, q.limit)
      .map(copyObject);
  }

  async range(room: Uint8Array, channel: Uint8Array, query: RangeQuery): Promise<StoredObject[]> {
    this.#open('range');
    checkRoom(room);
    checkChannel(channel);
    const q = checkRangeQuery(query);
    return (this.#channel(room, channel)?.range(q.after, q.before, q.limit, q.order) ?? []).map(copyObject);
  }

  async haveVector(room: Uint8Array, channel: Uint8Array): Promise<HaveVector> {
    this.#open('haveVector');
    checkRoom(room);
    checkChannel(channel);
    return this.#channel(room, channel)?.haveVector() ?? {};
  }

  async bySeq(room: Uint8Array, channel: Uint8Array, device: Uint8Array, fromSeq: number, toSeq: number): Promise<StoredObject[]> {
    this.#open('bySeq');
    checkRoom(room);
    checkChannel(channel);
    checkKey(device, 'device');
    const { from, to } = checkSeqRange(fromSeq, toSeq);
    return (this.#channel(room, channel)?.bySeq(device, from, to) ?? []).map(copyObject);
  }

  async fingerprint(room: Uint8Array, channel: Uint8Array, bounds?: Bounds): Promise<Fingerprint> {
    this.#open('fingerprint');
    checkRoom(room);
    checkChannel(channel);
    const b = checkRangeBounds(bounds);
    return this.#channel(room, channel)?.fingerprint(b) ?? EMPTY_FINGERPRINT;
  }

  async split(room: Uint8Array, channel: Uint8Array, bounds: Bounds, parts: number): Promise<RangeSummary[]> {
    this.#open('split');
    checkRoom(room);
    checkChannel(channel);
    const b = checkRangeBounds(bounds);
    const k = checkParts(parts);
    const log = this.#channel(room, channel);
    const out = log === undefined ? [{ lower: b.lower, upper: b.upper, ...EMPTY_FINGERPRINT }] : log.split(b, k);
    return out.map((s) => ({ ...s, lower: copyCursor(s.lower), upper: copyCursor(s.upper) }));
  }

  async rangeIds(room: Uint8Array, channel: Uint8Array, bounds: Bounds, limit: number): Promise<Cursor[]> {
    this.#open('rangeIds');
    checkRoom(room);
    checkChannel(channel);
    const b = checkRangeBounds(bounds);
    const n = checkLimit(limit, 'limit');
    return (this.#channel(room, channel)?.rangeIds(b, n) ?? []).map((c) => ({ lamport: c.lamport, id: plainBytes(c.id) }));
  }

  async usage(room: Uint8Array): Promise<Usage> {
    this.#open('usage');
    checkRoom(room);
    const r = this.#room(room);
    return { count: r?.objects.size ?? 0, bytes: r?.bytes ?? 0 };
  }

  async evict(room: Uint8Array, maxBytes: number, options?: EvictOptions): Promise<Uint8Array[]> {
    this.#open('evict');
    checkRoom(room);
    const opts = checkEvictOptions(maxBytes, options);
    const r = this.#room(room);
    if (r === undefined || r.bytes <= opts.maxBytes) return [];
    const candidates = [...r.objects.values()]
      .filter((o) => opts.types.includes(o.type) && !this.#outbox.has(o.id))
      .sort((a, b) => a.receivedAt - b.receivedAt || compare(a.id, b.id));
    const evicted: Uint8Array[] = [];
    for (const o of candidates) {
      if (r.bytes <= opts.maxBytes) break;
      this.#remove(o);
      evicted.push(plainBytes(o.id));
    }
    return evicted;
  }

  async enqueue(object: StoredObject, targets?: readonly string[]): Promise<boolean> {
    this.#open('enqueue');
    const o = checkObject(object);
    const t = checkTargets(targets);
    this.#add(o);
    return this.#outbox.add(o, t);
  }

  async pending(query?: PendingQuery): Promise<OutboxEntry[]> {
    this.#open('pending');
    const q = checkPendingQuery(query);
    return this.#outbox.pending(q.dueAt, q.limit);
  }

  async attempted(id: Uint8Array, at: number, retryAt: number): Promise<boolean> {
    this.#open('attempted');
    checkId(id);
    const a = checkAttempt(at, retryAt);
    return this.#outbox.attempted(id, a.at, a.retryAt);
  }

  async ack(id: Uint8Array, by: string): Promise<AckResult> {
    this.#open('ack');
    checkId(id);
    return this.#outbox.ack(id, checkBy(by));
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
