/**
 * Group commit for objects received in bulk (catch-up, gossip bursts): while one write is in flight,
 * the objects that arrive meanwhile queue up and go to the store together in the next one, a
 * transaction per batch instead of per object (in IndexedDB, a transaction costs milliseconds).
 * Each `add` resolves with whether its object was new to the store, as `put` alone cannot say
 * per object: a batch asks `has` first, in the same room.
 */
import type { ObjectStore, StoredObject } from '@parley/store';

interface Item {
  readonly obj: StoredObject;
  readonly done: (isNew: boolean) => void;
  readonly fail: (e: unknown) => void;
}

/** A batch holds at most this many objects (the stores' batch limit is higher). */
const MAX_BATCH = 256;

export class WriteBatch {
  readonly #store: ObjectStore;
  /** Queued objects by room (hex): `has` is scoped to one room. */
  readonly #queued = new Map<string, Item[]>();
  #writing: Promise<void> | undefined;

  constructor(store: ObjectStore) {
    this.#store = store;
  }

  /** Stores `obj` in the next batch of its room; resolves with whether it was new. */
  add(roomHex: string, obj: StoredObject): Promise<boolean> {
    return new Promise<boolean>((done, fail) => {
      const q = this.#queued.get(roomHex);
      if (q === undefined) this.#queued.set(roomHex, [{ obj, done, fail }]);
      else q.push({ obj, done, fail });
      this.#kick();
    });
  }

  #kick(): void {
    if (this.#writing !== undefined || this.#queued.size === 0) return;
    const [room, items] = this.#queued.entries().next().value as [string, Item[]];
    const batch = items.splice(0, MAX_BATCH);
    if (items.length === 0) this.#queued.delete(room);
    this.#writing = this.#write(batch).finally(() => {
      this.#writing = undefined;
      this.#kick();
    });
  }

  async #write(batch: readonly Item[]): Promise<void> {
    try {
      const objs = batch.map((i) => i.obj);
      const held = await this.#store.has(
        objs.map((o) => o.id),
        objs[0]?.room,
      );
      const fresh = objs.filter((_, i) => held[i] !== true);
      if (fresh.length > 0) await this.#store.put(fresh);
      for (const [i, item] of batch.entries()) item.done(held[i] !== true);
    } catch (e) {
      for (const item of batch) item.fail(e);
    }
  }
}
