/**
 * Shared files on the hub (PROTOCOL 12): it serves the chunks it holds to anyone who asks (they are
 * ciphertext, addressed by hash) and takes uploads only for a message it stores, of a room it serves,
 * in a channel whose durability is not `strict`, no larger than the room's file rules allow, and
 * within the hub's per-room file quota. The piece list must hash to the message's file id
 * and every chunk to its piece; a peer that uploads a wrong one is penalised. When the author deletes
 * the message, the hub drops the file.
 */
import { channelDurability, type RoomSession } from '@parley/client';
import type { ChunkSink, ChunkUpload, PenaltyBox } from '@parley/net';
import { chunkCipherLength, decodeUnverified, envelopeCodec, equals, openPieceList, toHex } from '@parley/protocol';
import { nodeCrypto } from '@parley/protocol/crypto-node';
import type { FileStore, ObjectStore } from '@parley/store';

export interface HubFilesDeps {
  readonly store: ObjectStore;
  readonly files: FileStore & { roomBytes(room: Uint8Array): Promise<number> };
  readonly session: (roomHex: string) => RoomSession | undefined;
  readonly penalties: () => PenaltyBox | undefined;
  /** Bytes of files (declared sizes) kept per room: a new file that would pass it is refused. */
  readonly roomFileQuotaBytes: number;
  /** Told of each upload refused for the quota (metrics, log). */
  readonly overQuota?: (room: Uint8Array, size: number) => void;
}

const envelopeOf = async (store: ObjectStore, room: Uint8Array, id: Uint8Array) => {
  const obj = await store.get(id, room);
  return obj?.type === 'ENVELOPE' ? decodeUnverified(envelopeCodec, obj.bytes, nodeCrypto).signed.body : undefined;
};

export const hubChunkSink = (d: HubFilesDeps): ChunkSink => ({
  async begin(peer, room, message, size, pieces) {
    const s = d.session(toHex(room));
    if (s === undefined || !s.ready) return { error: 'refused' };
    const env = await envelopeOf(d.store, room, message);
    if (env?.file === undefined) return { error: 'not-found' };
    if (channelDurability(s, env.channel) === 'strict') return { error: 'refused' };
    // The room's file rules (PROTOCOL 12.5): the size is checkable here, bound to the file id by the piece list.
    const max = s.state.policy().files?.maxBytes;
    if (max !== undefined && size > max) return { error: 'refused' };
    let hashes: Uint8Array[];
    try {
      hashes = openPieceList(env.file, size, pieces, nodeCrypto);
    } catch {
      d.penalties()?.record(peer, 'chunk-bad', 'uploaded piece list does not hash to the file id');
      return { error: 'refused' };
    }
    const id = env.file;
    // The room's file quota counts files once recorded; an upload resuming one already recorded goes on.
    if ((await d.files.file(id)) === undefined && (await d.files.roomBytes(room)) + size > d.roomFileQuotaBytes) {
      d.overQuota?.(room, size);
      return { error: 'quota' };
    }
    await d.files.putFile({ id, room, channel: env.channel, message, size, pieces });
    let stored = 0;
    const upload: ChunkUpload = {
      async chunk(index, bytes) {
        const h = hashes[index];
        if (h === undefined || bytes.length !== chunkCipherLength(size, index) || !equals(nodeCrypto.sha256(bytes), h)) return false;
        await d.files.putChunk(id, index, bytes);
        stored++;
        return true;
      },
      async finish() {
        return stored;
      },
    };
    return upload;
  },
});

/** After a delete envelope: if it is the author's own delete of a message carrying a file, drop the file. */
export const dropDeletedFile = async (d: HubFilesDeps, room: Uint8Array, deleteId: Uint8Array): Promise<boolean> => {
  const del = await envelopeOf(d.store, room, deleteId);
  if (del?.op !== 'delete' || del.target === undefined) return false;
  const target = await envelopeOf(d.store, room, del.target);
  if (target?.file === undefined || !equals(target.account, del.account)) return false;
  await d.files.dropFile(target.file);
  return true;
};
