/** The pure helpers every adapter shares: fingerprints, split points, backoff, metadata extraction. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accountKeys, certifyDevice, createEnvelope, createGenesis, deviceKeys, nobleCrypto, signProfile, toHex } from '@parley/protocol';
import { Fixtures } from '../src/compliance/index.ts';
import {
  addFingerprints,
  EMPTY_FINGERPRINT,
  fingerprintFromLimbSums,
  fingerprintOf,
  InvalidArgumentError,
  idLimbs,
  retryDelay,
  splitStarts,
  storedFromSigned,
} from '../src/index.ts';

const hex = (f: { count: number; fingerprint: Uint8Array }) => `${f.count}:${toHex(f.fingerprint)}`;

describe('fingerprints', () => {
  it('sum ids mod 2^256, order-independent and additive over disjoint parts', () => {
    const f = new Fixtures(1);
    const xs = Array.from({ length: 50 }, () => f.id());
    const all = fingerprintOf(xs);
    assert.equal(hex(fingerprintOf(f.shuffle(xs))), hex(all));
    assert.equal(hex(addFingerprints(fingerprintOf(xs.slice(0, 17)), fingerprintOf(xs.slice(17)))), hex(all));
    assert.equal(hex(fingerprintOf([])), hex(EMPTY_FINGERPRINT));
    const max = new Uint8Array(32).fill(0xff);
    const one = new Uint8Array(32);
    one[31] = 1;
    assert.equal(toHex(fingerprintOf([max, one]).fingerprint), '00'.repeat(32), 'wraps mod 2^256');
  });

  it('the limb-sum form SQL computes equals the direct sum', () => {
    const f = new Fixtures(2);
    const xs = [...Array.from({ length: 40 }, () => f.id()), new Uint8Array(32).fill(0xff), new Uint8Array(32)];
    const sums: [bigint, bigint, bigint, bigint] = [0n, 0n, 0n, 0n];
    for (const id of xs) {
      const l = idLimbs(id);
      for (let i = 0; i < 4; i++) {
        const v = l[i] as bigint;
        assert.ok(v >= -(2n ** 63n) && v < 2n ** 63n, 'each limb fits a signed 64-bit column');
        sums[i] = (sums[i] as bigint) + v;
      }
    }
    assert.equal(hex(fingerprintFromLimbSums(xs.length, sums)), hex(fingerprintOf(xs)));
    assert.equal(hex(fingerprintFromLimbSums(0, [0n, 0n, 0n, 0n])), hex(EMPTY_FINGERPRINT));
  });
});

describe('splitStarts', () => {
  it('cuts n items into min(parts, n) runs whose sizes differ by at most one', () => {
    for (let n = 0; n <= 40; n++) {
      for (const parts of [1, 2, 3, 4, 7, 16, 64]) {
        const starts = splitStarts(n, parts);
        assert.equal(starts.length, Math.min(n, parts));
        if (n === 0) continue;
        assert.equal(starts[0], 0);
        const sizes = starts.map((s, i) => (starts[i + 1] ?? n) - s);
        assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1 && Math.min(...sizes) >= 1, `${n}/${parts}: ${sizes}`);
        // Item r lands in part floor(r * k / n): the rule SQL adapters use.
        const k = starts.length;
        for (let r = 0; r < n; r++) {
          const b = Math.floor((r * k) / n);
          assert.ok((starts[b] as number) <= r && r < (starts[b + 1] ?? n));
        }
      }
    }
  });
});

describe('retryDelay', () => {
  it('grows exponentially with jitter in [cap/2, cap), capped', () => {
    assert.equal(retryDelay(1, 0), 500);
    assert.equal(retryDelay(1, 0.999999), 999);
    assert.equal(retryDelay(3, 0), 2000);
    assert.equal(retryDelay(100, 0), 150_000);
    assert.ok(retryDelay(100, 0.5) < 300_000);
    assert.equal(retryDelay(2, 0, { baseMs: 10, maxMs: 15 }), 7);
    assert.throws(() => retryDelay(0, 0), InvalidArgumentError);
    assert.throws(() => retryDelay(1, 1), InvalidArgumentError);
  });
});

describe('storedFromSigned', () => {
  const seed = (n: number) => new Uint8Array(32).fill(n);
  const account = accountKeys(seed(1), nobleCrypto);
  const device = deviceKeys(seed(2), seed(3), nobleCrypto);
  const cert = certifyDevice(account, device, 1000, nobleCrypto);
  const genesis = createGenesis({ author: { account: account.publicKey, signer: account }, name: 'r', nonce: new Uint8Array(16), time: 1000 }, nobleCrypto);
  const room = genesis.body.room;

  it('reads room, channel, device, seq, lamport and account off an envelope', () => {
    const channel = new Uint8Array(16).fill(9);
    const env = createEnvelope(
      { account: account.publicKey, room, channel, seq: 4, lamport: 12, heads: [genesis.id], epoch: 0, content: { text: 'hi' } },
      device.sign,
      new Uint8Array(32),
      new Uint8Array(24),
      nobleCrypto,
    );
    const o = storedFromSigned(env, 5);
    assert.deepEqual(
      [
        o.type,
        toHex(o.id),
        toHex(o.room),
        toHex(o.channel as Uint8Array),
        toHex(o.device as Uint8Array),
        o.seq,
        o.lamport,
        toHex(o.account as Uint8Array),
        o.receivedAt,
      ],
      ['ENVELOPE', toHex(env.id), toHex(room), toHex(channel), toHex(device.sign.publicKey), 4, 12, toHex(account.publicKey), 5],
    );
    assert.equal(toHex(o.bytes), toHex(env.bytes));
  });

  it('reads authority entries; needs a room for room-less types and refuses a mismatched one', () => {
    const e = storedFromSigned(genesis, 1);
    assert.deepEqual([e.type, e.seq, e.lamport, toHex(e.device as Uint8Array)], ['AUTHORITY_ENTRY', 1, 0, toHex(account.publicKey)]);
    const profile = signProfile({ signer: account.publicKey, account: account.publicKey, version: 1, displayName: 'A', color: 0 }, account.secret, nobleCrypto);
    assert.throws(
      () => storedFromSigned(profile, 1),
      (err: unknown) => err instanceof InvalidArgumentError && err.field === 'room',
    );
    const p = storedFromSigned(profile, 1, room);
    assert.deepEqual([p.type, toHex(p.room), toHex(p.account as Uint8Array), p.seq], ['PROFILE', toHex(room), toHex(account.publicKey), undefined]);
    const c = storedFromSigned(cert, 1, room);
    assert.equal(toHex(c.account as Uint8Array), toHex(account.publicKey));
    assert.throws(() => storedFromSigned(genesis, 1, new Uint8Array(32)), InvalidArgumentError);
  });
});
