/**
 * PUT over the sync protocol between real nodes: STORED is written only after the receiver's sink
 * resolved (its commit), with the sink's per-frame refusals; a node without a sink answers
 * not-served; the sink's whole-request refusals arrive as typed errors; large offers are split
 * into batches within the message limits; a malformed PUT resets the stream and is counted against
 * the sender, and the receiver keeps serving.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeVarint } from '@parley/protocol';
import { type ParleyNode, type PutOutcome, SYNC_PROTOCOL, SyncRemoteError } from '../src/index.ts';
import { crypto, eventually, testNode } from './helpers.ts';

const room = new Uint8Array(32).fill(3);
const frame = (i: number, size = 40): Uint8Array => {
  const f = new Uint8Array(size);
  f[0] = 1;
  f[1] = 0x20;
  f[2] = i & 0xff;
  f[3] = i >> 8;
  return f;
};

describe('sync PUT between two nodes', () => {
  let hub: ParleyNode;
  let plain: ParleyNode;
  let member: ParleyNode;
  const calls: number[] = [];
  let release: (() => void) | undefined;
  let mode: 'store' | 'hold' | 'rate' = 'store';

  before(async () => {
    hub = await testNode('put-hub', {
      sync: {
        sink: {
          async put(_peer, _room, frames): Promise<PutOutcome> {
            calls.push(frames.length);
            if (mode === 'rate') return { error: 'rate' };
            if (mode === 'hold') await new Promise<void>((r) => (release = r));
            const refused = frames.filter((f) => f.length > 100).map((f) => ({ id: crypto.sha256(f), reason: 'too-large' as const }));
            return { stored: frames.filter((f) => f.length <= 100).map((f) => crypto.sha256(f)), refused };
          },
        },
      },
    });
    // A node that serves reads (every client does) but takes no PUTs.
    plain = await testNode('put-plain', { sync: { source: { authority: () => undefined, have: () => undefined, range: () => undefined } } });
    member = await testNode('put-member');
    for (const n of [hub, plain, member]) await n.start();
    await member.dial(hub.multiaddrs()[0] as string);
    await member.dial(plain.multiaddrs()[0] as string);
  });
  after(async () => {
    for (const n of [hub, plain, member]) await n.stop();
  });

  it('STORED comes after the sink resolves, with its refusals', async () => {
    mode = 'hold';
    let answered = false;
    const p = member.put(hub.peerId, room, [frame(1), frame(2, 200)]).then((r) => {
      answered = true;
      return r;
    });
    await eventually(() => release !== undefined);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(answered, false, 'no answer while the sink has not committed');
    release?.();
    const r = await p;
    assert.deepEqual(r.stored, [crypto.sha256(frame(1))]);
    assert.deepEqual(r.refused, [{ id: crypto.sha256(frame(2, 200)), reason: 'too-large' }]);
    mode = 'store';
  });

  it('splits a large offer into batches within the limits', async () => {
    calls.length = 0;
    const frames = Array.from({ length: 600 }, (_, i) => frame(i));
    const r = await member.put(hub.peerId, room, frames);
    assert.equal(r.stored.length, 600);
    assert.deepEqual(calls, [256, 256, 88]);
  });

  it('a serving node without a sink answers not-served; a sink refusal is a typed error', async () => {
    await assert.rejects(member.put(plain.peerId, room, [frame(1)]), (e: unknown) => e instanceof SyncRemoteError && e.remoteCode === 'not-served');
    mode = 'rate';
    await assert.rejects(member.put(hub.peerId, room, [frame(1)]), (e: unknown) => e instanceof SyncRemoteError && e.remoteCode === 'rate');
    mode = 'store';
  });

  it('a malformed PUT resets the stream and is counted; the receiver keeps serving', async () => {
    const conn = member.libp2p.getConnections().find((c) => c.remotePeer.toString() === hub.peerId);
    assert.ok(conn !== undefined);
    const s = await conn.newStream(SYNC_PROTOCOL);
    // A PUT whose body is CBOR garbage after a valid length prefix.
    const body = Uint8Array.of(1, 0xbf, 0xff, 0x00, 0x13, 0x99);
    s.send(Uint8Array.from([...encodeVarint(body.length), ...body]));
    await s.close().catch(() => undefined);
    await eventually(() => hub.penalties.count(member.peerId, 'sync-malformed') >= 1);
    const r = await member.put(hub.peerId, room, [frame(7)]);
    assert.deepEqual(r.stored, [crypto.sha256(frame(7))]);
  });
});
