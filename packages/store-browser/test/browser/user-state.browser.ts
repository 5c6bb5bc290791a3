/**
 * Runs in Chromium: a person's state in two y-indexeddb-persisted documents (two devices of one
 * account) that exchange nothing but sealed blobs. Also installs `parleyUserStateProbe`, which the
 * Node side calls from two separate pages to check that a reload restores the state from IndexedDB.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromHex, toHex } from '@parley/protocol';
import { Fixtures } from '@parley/store/compliance';
import { deleteUserState, openUserState, type PersistedUserState, SealedUpdateError } from '../../src/index.ts';

const f = new Fixtures(8000);
const SECRET = f.bytes(32);

describe('UserState in Chromium (y-indexeddb)', () => {
  it('two devices exchanging only sealed updates converge, and each persists what it applied', async () => {
    const [room, ch, acct] = [f.room(), f.channel(), f.key()];
    let a: PersistedUserState | undefined;
    let b: PersistedUserState | undefined;
    try {
      a = await openUserState({ accountSecret: SECRET, name: 'device-a' });
      b = await openUserState({ accountSecret: SECRET, name: 'device-b' });
      const toB: Uint8Array[] = [];
      const toA: Uint8Array[] = [];
      a.state.onSealedUpdate((blob) => toB.push(blob));
      b.state.onSealedUpdate((blob) => toA.push(blob));

      a.state.joinRoom({ room, name: 'Lobby', hubs: ['/dns4/hub.example/tcp/443/wss'], joinedAt: 1 });
      a.state.markRead(room, ch, { lamport: 7, id: new Uint8Array(32).fill(1) });
      b.state.setSetting('theme', 'dark');
      b.state.markRead(room, ch, { lamport: 9, id: new Uint8Array(32).fill(2) });
      b.state.setNickname(acct, 'Mum');
      a.state.setDraft(room, ch, 'see you');

      for (const blob of toB.splice(0)) b.state.applySealed(blob);
      for (const blob of toA.splice(0).reverse()) a.state.applySealed(blob);

      for (const s of [a.state, b.state]) {
        assert.deepEqual(
          s.rooms().map((r) => [toHex(r.room), r.name]),
          [[toHex(room), 'Lobby']],
        );
        assert.deepEqual(s.settings(), { theme: 'dark' });
        assert.deepEqual(s.readMarker(room, ch), { lamport: 9, id: new Uint8Array(32).fill(2) });
        assert.equal(s.draft(room, ch), 'see you');
        assert.equal(s.nickname(acct), 'Mum');
      }
      await b.close();
      b = await openUserState({ accountSecret: SECRET, name: 'device-b' });
      assert.equal(b.state.room(room)?.name, 'Lobby', 'what b applied from a was persisted too');
    } finally {
      await a?.close();
      await b?.close();
      await deleteUserState('device-a');
      await deleteUserState('device-b');
    }
  });

  it('a tampered blob is rejected with SealedUpdateError and changes nothing', async () => {
    const a = await openUserState({ accountSecret: SECRET, name: 'tamper-a' });
    const b = await openUserState({ accountSecret: SECRET, name: 'tamper-b' });
    try {
      const blobs: Uint8Array[] = [];
      a.state.onSealedUpdate((blob) => blobs.push(blob));
      a.state.setSetting('sound', false);
      const blob = blobs[0] as Uint8Array;
      for (const i of [0, 10, blob.length - 1]) {
        const bad = new Uint8Array(blob);
        bad[i] = (bad[i] as number) ^ 0x01;
        assert.throws(
          () => b.state.applySealed(bad),
          (e: unknown) => e instanceof SealedUpdateError && e.code === 'ERR_SEALED_UPDATE',
        );
      }
      const other = await openUserState({ accountSecret: f.bytes(32), name: 'tamper-other' });
      assert.throws(
        () => other.state.applySealed(blob),
        (e: unknown) => e instanceof SealedUpdateError && e.reason === 'tampered',
      );
      await other.close();
      assert.deepEqual(b.state.settings(), {});
      b.state.applySealed(blob);
      assert.deepEqual(b.state.settings(), { sound: false });
    } finally {
      await a.close();
      await b.close();
      for (const n of ['tamper-a', 'tamper-b', 'tamper-other']) await deleteUserState(n);
    }
  });
});

/** Called by the Node side from two pages of this origin, one after the other. */
const probe = {
  async write(secretHex: string): Promise<void> {
    const s = await openUserState({ accountSecret: fromHex(secretHex) });
    const room = new Uint8Array(32).fill(5);
    s.state.joinRoom({ room, name: 'Kept across reloads', hubs: ['/dns4/hub.example/tcp/443/wss'], joinedAt: 42 });
    s.state.setSetting('theme', 'light');
    s.state.markRead(room, new Uint8Array(16).fill(6), { lamport: 3, id: new Uint8Array(32).fill(7) });
    s.state.setDraft(room, new Uint8Array(16).fill(6), 'unsent words');
    await s.flush();
  },
  async read(secretHex: string) {
    const s = await openUserState({ accountSecret: fromHex(secretHex) });
    try {
      const room = new Uint8Array(32).fill(5);
      const ch = new Uint8Array(16).fill(6);
      const marker = s.state.readMarker(room, ch);
      return {
        rooms: s.state.rooms().map((r) => ({ room: toHex(r.room), name: r.name, hubs: [...r.hubs], joinedAt: r.joinedAt })),
        settings: s.state.settings(),
        marker: marker === undefined ? null : { lamport: marker.lamport, id: toHex(marker.id) },
        draft: s.state.draft(room, ch),
      };
    } finally {
      await s.close();
    }
  },
};

(globalThis as { parleyUserStateProbe?: typeof probe }).parleyUserStateProbe = probe;
