/**
 * Group commit for the hub's store: gossip arrives one object at a time, and one transaction (and
 * one `has` query) per object is what stalls a hub at a few hundred messages per second, PGlite
 * most of all (its queries run on the event loop). `put` and `has` calls made while an earlier one
 * is running are queued and then run as ONE call; with nothing running, a call goes at once (or
 * after `lingerMs`, gathering what arrives meanwhile). Every caller still resolves only after the transaction holding its
 * objects committed (so `guaranteed` acknowledgements keep their meaning) and sees that
 * transaction's error if it failed.
 *
 * `put` resolves with the number of new rows attributed in call order: the store reports one total
 * per transaction, so when a batch held duplicates the earlier callers are credited first (the
 * total is exact; only metrics read the split).
 */
import { toHex } from '@parley/protocol';
import { type ObjectStore, STORE_LIMITS, type StoredObject } from '@parley/store';

interface Waiter<T, R> {
  readonly args: T;
  readonly resolve: (r: R) => void;
  readonly reject: (e: unknown) => void;
}

/** Runs queued requests in batches: one batch at a time, each holding everything queued meanwhile. */
class Batcher<T, R> {
  readonly #run: (batch: readonly Waiter<T, R>[]) => Promise<void>;
  readonly #size: (args: T) => number;
  readonly #lingerMs: number;
  #queue: Waiter<T, R>[] = [];
  #busy = false;

  constructor(run: (batch: readonly Waiter<T, R>[]) => Promise<void>, size: (args: T) => number, lingerMs: number) {
    this.#run = run;
    this.#size = size;
    this.#lingerMs = lingerMs;
  }

  push(args: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ args, resolve, reject });
      if (this.#busy) return;
      this.#busy = true;
      if (this.#lingerMs === 0) void this.#drain();
      else setTimeout(() => void this.#drain(), this.#lingerMs);
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      // Take as many waiters as fit in one store call.
      let n = 0;
      let items = 0;
      while (n < this.#queue.length && (n === 0 || items + this.#size((this.#queue[n] as Waiter<T, R>).args) <= STORE_LIMITS.maxBatch)) {
        items += this.#size((this.#queue[n] as Waiter<T, R>).args);
        n++;
      }
      const batch = this.#queue.splice(0, n);
      try {
        await this.#run(batch);
      } catch (e) {
        for (const w of batch) w.reject(e);
      }
    }
    this.#busy = false;
  }
}

export interface GroupCommitOptions {
  /**
   * How long a call may wait for others to share its store call (ms; default 0: only calls queued
   * behind a running one are grouped). Under steady gossip each object arrives alone, so without
   * a linger every object still costs one transaction.
   */
  readonly lingerMs?: number;
}

export const groupCommit = (inner: ObjectStore, options: GroupCommitOptions = {}): ObjectStore => {
  const linger = Math.max(0, options.lingerMs ?? 0);
  const puts = new Batcher<readonly StoredObject[], number>(
    async (batch) => {
      let added = await inner.put(batch.flatMap((w) => w.args));
      for (const w of batch) {
        const mine = Math.min(added, w.args.length);
        added -= mine;
        w.resolve(mine);
      }
    },
    (objects) => objects.length,
    linger,
  );
  // `has` batches by room: one query per room in the batch.
  const has = new Batcher<{ ids: readonly Uint8Array[]; room: Uint8Array | undefined }, boolean[]>(
    async (batch) => {
      const byRoom = new Map<string, Waiter<{ ids: readonly Uint8Array[]; room: Uint8Array | undefined }, boolean[]>[]>();
      for (const w of batch) {
        const k = w.args.room === undefined ? '' : toHex(w.args.room);
        const list = byRoom.get(k) ?? [];
        list.push(w);
        byRoom.set(k, list);
      }
      for (const list of byRoom.values()) {
        try {
          const found = await inner.has(
            list.flatMap((w) => w.args.ids),
            list[0]?.args.room,
          );
          let at = 0;
          for (const w of list) {
            w.resolve(found.slice(at, at + w.args.ids.length));
            at += w.args.ids.length;
          }
        } catch (e) {
          for (const w of list) w.reject(e);
        }
      }
    },
    (a) => a.ids.length,
    linger,
  );
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'put') return (objects: readonly StoredObject[]): Promise<number> => (objects.length === 0 ? Promise.resolve(0) : puts.push(objects));
      if (prop === 'has') return (ids: readonly Uint8Array[], room?: Uint8Array): Promise<boolean[]> => has.push({ ids, room });
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
};
