/** The outbox of the memory store: entries in enqueue order, each with its own copy of the object. */
import { toHex } from '@parley/protocol';
import type { AckResult, OutboxEntry } from '../object-store.ts';
import { copyObject, type StoredObject } from '../stored-object.ts';

interface Row {
  object: StoredObject;
  targets: string[] | undefined;
  acks: string[];
  attempts: number;
  nextAttemptAt: number;
  lastAttemptAt: number | undefined;
}

export class MemoryOutbox {
  /** Map iteration order is insertion order: oldest enqueued first. */
  readonly #rows = new Map<string, Row>();

  has(id: Uint8Array): boolean {
    return this.#rows.has(toHex(id));
  }

  add(object: StoredObject, targets: string[] | undefined): boolean {
    const k = toHex(object.id);
    if (this.#rows.has(k)) return false;
    this.#rows.set(k, { object: copyObject(object), targets, acks: [], attempts: 0, nextAttemptAt: 0, lastAttemptAt: undefined });
    return true;
  }

  pending(dueAt: number | undefined, limit: number): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    for (const r of this.#rows.values()) {
      if (out.length >= limit) break;
      if (dueAt !== undefined && r.nextAttemptAt > dueAt) continue;
      out.push({ ...r, object: copyObject(r.object), targets: r.targets === undefined ? undefined : [...r.targets], acks: [...r.acks] });
    }
    return out;
  }

  attempted(id: Uint8Array, at: number, retryAt: number): boolean {
    const r = this.#rows.get(toHex(id));
    if (r === undefined) return false;
    r.attempts++;
    r.lastAttemptAt = at;
    r.nextAttemptAt = retryAt;
    return true;
  }

  ack(id: Uint8Array, by: string): AckResult {
    const k = toHex(id);
    const r = this.#rows.get(k);
    if (r === undefined) return 'unknown';
    if (r.targets === undefined || r.targets.includes(by)) {
      this.#rows.delete(k);
      return 'done';
    }
    if (!r.acks.includes(by)) r.acks.push(by);
    return 'recorded';
  }
}
