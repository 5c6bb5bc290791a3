/**
 * Concurrent rotations (PROTOCOL 6.1): two members author a trigger on the same heads; each publishes
 * "epoch 1" and sends under it before seeing the other's. In the merged order the later trigger
 * starts epoch 2, yet its author's bundle and messages stay valid under the epoch its heads count.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextEntry } from '../src/authority/build.ts';
import { replayAuthority } from '../src/authority/replay.ts';
import { compare } from '../src/bytes.ts';
import { ProtocolError } from '../src/errors.ts';
import { createEpochBundle, verifyEpochBundle } from '../src/keys/epoch-bundle.ts';
import { createEnvelope, decryptEnvelope } from '../src/message/envelope.ts';
import { validateEnvelope } from '../src/message/validate-envelope.ts';
import { crypto, seededRandom } from './helpers.ts';
import { cast } from './message-fixture.ts';
import { T0 } from './room-fixture.ts';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (e instanceof ProtocolError) return e.code;
    throw e;
  }
};

describe('concurrent rotations', () => {
  it("the later trigger's author keeps its bundle and messages valid under the epoch its heads count", () => {
    const { alice, bob, room } = cast('concurrent-epochs');
    room.room.do(alice, { kind: 'grant', target: bob.key, role: 'mod' });
    const base = room.state;
    const ch = room.channel;
    const ra = nextEntry(base, alice.author, { kind: 'rotate', channel: ch }, T0 + 10_000, crypto);
    const rb = nextEntry(base, bob.author, { kind: 'rotate', channel: ch }, T0 + 10_000, crypto);
    const [first, second] = compare(ra.id, rb.id) < 0 ? [ra, rb] : [rb, ra];
    const author = second === ra ? alice : bob;
    const rnd = seededRandom('concurrent-epochs-keys');

    // The author's own view: only its trigger, which starts epoch 1.
    const own = replayAuthority([...room.room.entries, second], crypto);
    assert.equal(own.epochAt(ch, own.length - 1), 1);
    const key = rnd(32);
    const esk = rnd(32);
    const bundle = createEpochBundle(
      {
        account: author.key,
        room: room.room.roomId,
        channel: ch,
        epoch: 1,
        trigger: second.id,
        epochKey: key,
        recipients: own.readersAt(ch, own.positionOf(second.id) as number),
      },
      author.device.sign,
      { secret: esk, publicKey: crypto.x25519PublicKey(esk) },
      crypto,
    );
    const draft = { account: author.key, room: room.room.roomId, channel: ch, seq: 1, lamport: 1, heads: [second.id], content: { text: 'racing' } };
    const env = createEnvelope({ ...draft, epoch: 1 }, author.device.sign, key, rnd(24), crypto);
    assert.doesNotThrow(() => verifyEpochBundle(bundle.bytes, own, crypto));
    assert.doesNotThrow(() => validateEnvelope(env, own));

    // Merged: the other trigger sorts first, so this one starts epoch 2.
    const merged = replayAuthority([...room.room.entries, first, second], crypto);
    assert.equal(merged.epochAt(ch, merged.length - 1), 2);
    assert.equal(merged.epochTrigger(ch, 2)?.entryId, second.id);
    assert.equal(merged.causalEpoch(ch, [second.id]), 1, "the trigger's ancestors count epoch 1");
    assert.equal(merged.causalEpoch(ch, merged.heads()), 2, 'both triggers in the heads: epoch 2');
    assert.doesNotThrow(() => verifyEpochBundle(bundle.bytes, merged, crypto), 'the bundle stays valid (was ERR_FIELD bundle.t)');
    assert.doesNotThrow(() => validateEnvelope(env, merged), 'the message stays valid (was ERR_FIELD envelope.e)');
    assert.equal(decryptEnvelope(env.body, key, crypto).text, 'racing');

    // What stays refused: an epoch the heads do not count, and the branch's number once both triggers are seen.
    const stale = createEnvelope({ ...draft, seq: 2, epoch: 0 }, author.device.sign, room.keys[0] as Uint8Array, rnd(24), crypto);
    assert.equal(
      code(() => validateEnvelope(stale, merged)),
      'ERR_FIELD',
    );
    const late = createEnvelope({ ...draft, seq: 3, heads: merged.heads(), epoch: 1 }, author.device.sign, key, rnd(24), crypto);
    assert.equal(
      code(() => validateEnvelope(late, merged)),
      'ERR_FIELD',
    );
    // A bundle claiming an epoch its trigger's ancestors do not count is refused.
    const firstBundle = createEpochBundle(
      {
        account: author.key,
        room: room.room.roomId,
        channel: ch,
        epoch: 1,
        trigger: first.id,
        epochKey: key,
        recipients: own
          .readersAt(ch, 0)
          .slice(0, 0)
          .concat(merged.readersAt(ch, merged.positionOf(first.id) as number)),
      },
      author.device.sign,
      { secret: esk, publicKey: crypto.x25519PublicKey(esk) },
      crypto,
    );
    assert.doesNotThrow(() => verifyEpochBundle(firstBundle.bytes, merged, crypto), 'control: the first trigger does start epoch 1');
    const mislabeled = createEpochBundle(
      {
        account: author.key,
        room: room.room.roomId,
        channel: ch,
        epoch: 0,
        trigger: second.id,
        epochKey: key,
        recipients: merged.readersAt(ch, merged.positionOf(second.id) as number),
      },
      author.device.sign,
      { secret: esk, publicKey: crypto.x25519PublicKey(esk) },
      crypto,
    );
    assert.equal(
      code(() => verifyEpochBundle(mislabeled.bytes, merged, crypto)),
      'ERR_FIELD',
    );
  });
});
