/**
 * Honest cut-offs for removals: per device of the target, the highest authority seq this replay
 * knows plus, per channel, the highest contiguous seq this device's store holds (its have-vector).
 */
import { type CutoffRow, cutoffRows, fromHex, toHex } from '@parley/protocol';
import type { ObjectStore } from '@parley/store';
import type { RoomSession } from './room-session.ts';

export const removalCutoffs = async (store: ObjectStore, s: RoomSession, target: Uint8Array): Promise<CutoffRow[]> => {
  const state = s.state;
  const devices = new Set(state.devicesOf(target).map((d) => toHex(d.device)));
  const rows: CutoffRow[] = [];
  for (const ch of state.channels()) {
    const hv = await store.haveVector(s.id, ch.id);
    for (const d of devices) {
      const seq = hv[d];
      if (seq !== undefined && seq > 0) rows.push({ device: fromHex(d), stream: ch.id, seq });
    }
  }
  return cutoffRows(state, target, rows);
};
