/** The replayed authority log of a room this client has open, or undefined (no client yet, or the room is not open here). */
import type { ParleyClient } from '@parley/client';
import { fromHex, type RoomState, toHex } from '@parley/protocol';

export const openRoomState = (client: ParleyClient | undefined, roomHex: string): RoomState | undefined =>
  client?.rooms().some((r) => toHex(r) === roomHex) === true ? client.state(fromHex(roomHex)) : undefined;
