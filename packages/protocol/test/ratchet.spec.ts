/**
 * The Double Ratchet between two devices: both directions, out-of-order and duplicate delivery
 * (each message decrypts exactly once), tampering, the skip bound, forward secrecy after a DH step
 * (a leaked current state opens no earlier message and holds none of the earlier secrets), and the
 * persisted state's codec. Property tests run random conversations from a seed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { equals, utf8 } from '../src/bytes.ts';
import { decodeCanonicalMap, encodeCbor } from '../src/codec/cbor.ts';
import { acceptSession, initiateSession, MAX_SKIP, type RatchetHeader, type RatchetState, ratchetDecrypt, ratchetEncrypt } from '../src/direct/ratchet.ts';
import { decodeRatchetState, encodeRatchetState } from '../src/direct/ratchet-state-codec.ts';
import { isProtocolError } from '../src/errors.ts';
import { crypto, seededRandom, user } from './helpers.ts';

const alice = user('alice');
const bob = user('bob');
const CTX = utf8('test context');

interface Sent {
  readonly from: 'a' | 'b';
  readonly i: number;
  readonly header: RatchetHeader;
  readonly ciphertext: Uint8Array;
}

/** Two ends of one session; bob's starts on the first message of alice's he decrypts. */
class Pair {
  a: RatchetState;
  b: RatchetState | undefined;
  readonly rnd;
  constructor(seed: string) {
    this.rnd = seededRandom(seed);
    this.a = initiateSession(
      { self: alice.device.sign.publicKey, box: alice.device.box, peer: bob.device.sign.publicKey, peerBox: bob.device.box.publicKey },
      this.rnd,
      crypto,
    );
  }
  send(from: 'a' | 'b', i: number): Sent {
    const st = from === 'a' ? this.a : this.b;
    if (st === undefined) throw new Error('bob has no session yet');
    const r = ratchetEncrypt(st, utf8(`${from}${i}`), CTX, crypto);
    if (from === 'a') this.a = r.state;
    else this.b = r.state;
    return { from, i, header: r.header, ciphertext: r.ciphertext };
  }
  receive(m: Sent, ctx = CTX): string {
    if (m.from === 'b') {
      const r = ratchetDecrypt(this.a, m.header, m.ciphertext, ctx, this.rnd, crypto);
      this.a = r.state;
      return new TextDecoder().decode(r.plaintext);
    }
    const r =
      this.b === undefined
        ? acceptSession(
            { self: bob.device.sign.publicKey, box: bob.device.box, peer: alice.device.sign.publicKey, peerBox: alice.device.box.publicKey },
            m.header,
            m.ciphertext,
            ctx,
            this.rnd,
            crypto,
          )
        : ratchetDecrypt(this.b, m.header, m.ciphertext, ctx, this.rnd, crypto);
    this.b = r.state;
    return new TextDecoder().decode(r.plaintext);
  }
}

const code = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    if (!isProtocolError(e)) throw e;
    return e.code;
  }
};

/** Every 32-byte secret a state holds (what a thief of that state gets). */
const secretsOf = (s: RatchetState): Uint8Array[] =>
  [s.rootKey, s.sendSecret, s.sendChain, s.recvChain, ...s.skipped.map((k) => k.key)].filter((x): x is Uint8Array => x !== undefined);

const contains = (hay: Uint8Array, needle: Uint8Array): boolean => {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
};

describe('double ratchet', () => {
  it('carries messages both ways across several DH ratchet steps', () => {
    const p = new Pair('both-ways');
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 3; i++) assert.equal(p.receive(p.send('a', round * 10 + i)), `a${round * 10 + i}`);
      for (let i = 0; i < 2; i++) assert.equal(p.receive(p.send('b', round * 10 + i)), `b${round * 10 + i}`);
    }
    assert.ok(p.b !== undefined && !equals(p.b.sendPublic, bob.device.box.publicKey), "bob's box key is not his ratchet key");
  });

  it('the responder keeps nothing of its long-term box secret in the session', () => {
    const p = new Pair('no-box-secret');
    p.receive(p.send('a', 0));
    assert.ok(!contains(encodeRatchetState(p.b as RatchetState), bob.device.box.secret));
  });

  it('out-of-order and duplicate delivery: every message decrypts exactly once (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom<'a' | 'b'>('a', 'b'), { minLength: 1, maxLength: 30 }),
        fc.array(fc.nat(), { minLength: 60, maxLength: 60 }),
        fc.array(fc.nat({ max: 3 }), { minLength: 60, maxLength: 60 }),
        fc.string(),
        (who, order, dups, seed) => {
          const p = new Pair(`prop:${seed}`);
          // Alice opens; bob may answer only after receiving something (he has no session before).
          const plan: ('a' | 'b')[] = ['a', ...who];
          const inFlight: Sent[] = [];
          const delivered = new Set<string>();
          const counts = { a: 0, b: 0 };
          const deliverSome = (k: number) => {
            for (let j = 0; j < k && inFlight.length > 0; j++) {
              const at = (order[(j + inFlight.length) % order.length] as number) % inFlight.length;
              const m = inFlight[at] as Sent;
              if (m.from === 'b' || p.b !== undefined || m.header.pn === 0) {
                const copies = 1 + ((dups[at % dups.length] as number) % 2);
                for (let c = 0; c < copies; c++) {
                  const key = `${m.from}${m.i}`;
                  if (delivered.has(key)) {
                    assert.equal(
                      code(() => p.receive(m)),
                      'ERR_DECRYPT',
                      `duplicate ${key} decrypted twice`,
                    );
                  } else {
                    assert.equal(p.receive(m), key);
                    delivered.add(key);
                  }
                }
              }
              inFlight.splice(at, 1);
            }
          };
          for (const [step, from] of plan.entries()) {
            if (from === 'b' && p.b === undefined) deliverSome(inFlight.length);
            if (from === 'b' && p.b === undefined) continue;
            const i = counts[from]++;
            inFlight.push(p.send(from, i));
            deliverSome((order[step] as number) % 3);
          }
          // Whatever was held back (bob's first chain may not have opened the session yet) arrives now.
          while (inFlight.length > 0) deliverSome(inFlight.length);
          assert.equal(delivered.size, counts.a + counts.b);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('tampering with the ciphertext, the header or the context fails, and changes nothing', () => {
    const p = new Pair('tamper');
    p.receive(p.send('a', 0));
    const m = p.send('b', 0);
    const before = encodeRatchetState(p.a);
    const flipped = m.ciphertext.slice();
    flipped[3] = (flipped[3] as number) ^ 1;
    assert.equal(
      code(() => p.receive({ ...m, ciphertext: flipped })),
      'ERR_DECRYPT',
    );
    assert.equal(
      code(() => p.receive({ ...m, header: { ...m.header, n: 1 } })),
      'ERR_DECRYPT',
    );
    assert.equal(
      code(() => p.receive({ ...m, header: { ...m.header, pn: 7 } })),
      'ERR_DECRYPT',
    );
    assert.equal(
      code(() => p.receive(m, utf8('other context'))),
      'ERR_DECRYPT',
    );
    const otherSession = m.header.session.slice();
    otherSession[0] = (otherSession[0] as number) ^ 1;
    assert.equal(
      code(() => p.receive({ ...m, header: { ...m.header, session: otherSession } })),
      'ERR_DECRYPT',
    );
    assert.deepEqual(encodeRatchetState(p.a), before, 'a failed decryption leaves the state as it was');
    assert.equal(p.receive(m), 'b0');
  });

  it('a header that skips more than MAX_SKIP messages is refused (ERR_LIMIT)', () => {
    const p = new Pair('skip');
    p.receive(p.send('a', 0));
    const m = p.send('b', 0);
    assert.equal(
      code(() => p.receive({ ...m, header: { ...m.header, n: MAX_SKIP + 1 } })),
      'ERR_LIMIT',
    );
  });

  it('forward secrecy: after a DH step, a stolen current state opens no earlier message and holds no earlier secret', () => {
    const p = new Pair('fs');
    const early: Sent[] = [];
    const earlySecrets: Uint8Array[] = [];
    for (let i = 0; i < 3; i++) {
      const m = p.send('a', i);
      early.push(m);
      earlySecrets.push(...secretsOf(p.a));
      p.receive(m);
      earlySecrets.push(...secretsOf(p.b as RatchetState));
    }
    const reply = p.send('b', 0);
    early.push(reply);
    earlySecrets.push(...secretsOf(p.b as RatchetState));
    p.receive(reply);
    // Alice answers, so both sides take a DH ratchet step past everything above.
    p.receive(p.send('a', 3));
    p.receive(p.send('b', 1));
    for (const stolen of [p.a, p.b as RatchetState]) {
      const bytes = encodeRatchetState(stolen);
      for (const s of earlySecrets) assert.ok(!contains(bytes, s), 'an earlier key is still in the state');
      for (const m of early) {
        assert.ok(
          code(() => ratchetDecrypt(stolen, m.header, m.ciphertext, CTX, seededRandom('thief'), crypto)) !== undefined,
          `${m.from}${m.i} opened with a later state`,
        );
      }
    }
  });

  it('a skipped message key is kept until used and then deleted', () => {
    const p = new Pair('skipped');
    const m0 = p.send('a', 0);
    const m1 = p.send('a', 1);
    const m2 = p.send('a', 2);
    assert.equal(p.receive(m2), 'a2');
    assert.equal((p.b as RatchetState).skipped.length, 2);
    assert.equal(p.receive(m0), 'a0');
    assert.equal((p.b as RatchetState).skipped.length, 1);
    assert.equal(p.receive(m1), 'a1');
    assert.equal((p.b as RatchetState).skipped.length, 0);
  });
});

describe('ratchet state codec', () => {
  it('round-trips, and a decoded state keeps the conversation going (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), fc.string(), (who, seed) => {
        const p = new Pair(`codec:${seed}`);
        p.receive(p.send('a', 0));
        let held: Sent | undefined;
        who.forEach((fromA, i) => {
          const m = p.send(fromA ? 'a' : 'b', i + 1);
          if (held === undefined && i % 3 === 1) held = m;
          else p.receive(m);
          p.a = decodeRatchetState(encodeRatchetState(p.a), crypto);
          p.b = decodeRatchetState(encodeRatchetState(p.b as RatchetState), crypto);
        });
        assert.deepEqual(decodeRatchetState(encodeRatchetState(p.a)), p.a);
        if (held !== undefined) assert.equal(p.receive(held), `${held.from}${held.i}`);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses other versions, oversize input, unknown fields and a mismatched key pair, naming the field', () => {
    const p = new Pair('codec-bad');
    const good = encodeRatchetState(p.a);
    const asMap = (patch: Partial<RatchetState>) => encodeRatchetState({ ...p.a, ...patch });
    const err = (b: Uint8Array) => {
      try {
        decodeRatchetState(b, crypto);
        return undefined;
      } catch (e) {
        return isProtocolError(e) ? `${e.code} ${e.field}` : String(e);
      }
    };
    assert.equal(err(new Uint8Array(200 * 1024)), 'ERR_LIMIT ratchetState');
    assert.match(String(err(good.subarray(0, good.length - 3))), /^ERR_(DECODE|LIMIT) ratchetState/);
    assert.equal(err(asMap({ sendPublic: p.a.rootKey })), 'ERR_FIELD ratchetState.q');
    assert.equal(err(asMap({ rootKey: new Uint8Array(31) })), 'ERR_FIELD ratchetState.r');
    assert.equal(err(encodeCbor({ ...decodeCanonicalMap(good, 't'), v: 2 })), 'ERR_FIELD ratchetState.v');
    assert.equal(err(encodeCbor({ ...decodeCanonicalMap(good, 't'), x: 1 })), 'ERR_FIELD ratchetState.x');
    assert.equal(err(good), undefined);
  });
});
