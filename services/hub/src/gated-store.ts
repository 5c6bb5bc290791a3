/**
 * The hub's store as the ingest path sees it: the real store, except that `put` first drops what
 * the hub must not keep (objects over the size limit; envelopes of `strict` channels) and afterwards
 * holds each room to its byte quota by evicting the oldest envelopes. Every drop is counted.
 */
import { toHex } from '@parley/protocol';
import type { ObjectStore, StoredObject } from '@parley/store';
import type { RejectReason } from './ports.ts';

export interface Gate {
  /** Why an object may not be stored, or undefined to store it. */
  refuse(o: StoredObject): RejectReason | undefined;
  /** After a put that added objects: keep the room within its quota (`bytesOffered`: frame bytes put for it). */
  afterPut(room: Uint8Array, bytesOffered: number): Promise<void>;
  onRefused(reason: RejectReason, o: StoredObject): void;
  onStored(objects: readonly StoredObject[], added: number): void;
}

export const gatedStore = (inner: ObjectStore, gate: Gate): ObjectStore =>
  new Proxy(inner, {
    get(target, prop) {
      if (prop === 'put') {
        return async (objects: readonly StoredObject[]): Promise<number> => {
          const keep: StoredObject[] = [];
          for (const o of objects) {
            const why = gate.refuse(o);
            if (why === undefined) keep.push(o);
            else gate.onRefused(why, o);
          }
          if (keep.length === 0) return 0;
          const added = await target.put(keep);
          gate.onStored(keep, added);
          if (added > 0) {
            const rooms = new Map<string, { room: Uint8Array; bytes: number }>();
            for (const o of keep) {
              const k = toHex(o.room);
              const r = rooms.get(k) ?? { room: o.room, bytes: 0 };
              r.bytes += o.bytes.length;
              rooms.set(k, r);
            }
            for (const r of rooms.values()) await gate.afterPut(r.room, r.bytes);
          }
          return added;
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
