/**
 * One channel's key epochs (PROTOCOL 4.5): epoch i started at position positions[i] with the entry
 * ids[i] (epoch 0 with the channel's CREATE_CHANNEL). Two flat arrays rather than an object per epoch:
 * a BAN or KICK starts an epoch in every channel the target could read, so a long log makes many.
 */
export class EpochList {
  readonly positions: number[];
  readonly ids: Uint8Array[];

  constructor(entryId: Uint8Array, position: number) {
    this.positions = [position];
    this.ids = [entryId];
  }

  get length(): number {
    return this.positions.length;
  }

  /** Starts a new epoch at `position`, unless one already started there (one entry, one epoch). */
  push(entryId: Uint8Array, position: number): void {
    if (this.positions[this.positions.length - 1] === position) return;
    this.positions.push(position);
    this.ids.push(entryId);
  }

  /** The entry that started `epoch`, and its position. */
  trigger(epoch: number): { entryId: Uint8Array; position: number } | undefined {
    const position = this.positions[epoch];
    return position === undefined ? undefined : { entryId: this.ids[epoch] as Uint8Array, position };
  }
}
