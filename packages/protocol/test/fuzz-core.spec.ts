/**
 * Fuzzes the core decoders with 100k random and mutated inputs each (PARLEY_FUZZ_ITERATIONS to
 * change): only typed ProtocolErrors may come out.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openEntry } from '../src/authority/open-entry.ts';
import { decodeVarint, utf8 } from '../src/bytes.ts';
import { decodeCanonical, encodeCbor } from '../src/codec/cbor.ts';
import { parseFrame } from '../src/codec/signed.ts';
import { openDeviceCert } from '../src/identity/device-cert.ts';
import { openProfile, signProfile } from '../src/identity/profile.ts';
import { importRecoveryPhrase } from '../src/identity/recovery.ts';
import { fuzz } from './fuzz/harness.ts';
import { crypto } from './helpers.ts';
import { member, TestRoom } from './room-fixture.ts';

const owner = member('fuzz-owner');
const alice = member('fuzz-alice');
const room = new TestRoom(owner);
const general = room.channel('general');
room.join(alice);
room.do(owner, { kind: 'delete_message', channel: general, message: new Uint8Array(32).fill(1), author: alice.key, reason: 'off-topic' });
room.do(owner, {
  kind: 'set_policy',
  policy: {
    join: 'invite',
    durability: 'replicated',
    hubs: [],
    historyVisible: true,
    iceServers: [],
    files: { maxBytes: 1 << 20, types: ['image/*', 'text/plain'] },
  },
});
room.ban(owner, alice, [], true);
const entries = room.entries.map((e) => e.bytes);
const profile = signProfile({ signer: owner.key, account: owner.key, version: 1, displayName: 'Owner', color: 1 }, owner.account.secret, crypto);

const run = (name: string, seeds: Uint8Array[], decode: (b: Uint8Array) => unknown) =>
  it(`${name} survives random and mutated input`, () => {
    const r = fuzz({ name, seeds, decode });
    console.log(`  fuzz ${r.name}: ${r.inputs} inputs in ${r.ms} ms (${r.accepted} accepted, ${r.rejected} rejected)`);
    assert.ok(r.inputs >= Math.min(100_000, Number(process.env.PARLEY_FUZZ_ITERATIONS ?? 100_000)) || r.ms >= 60_000);
  });

describe('fuzz: core decoders', () => {
  run('frame', entries, parseFrame);
  run('cbor', [encodeCbor({ a: new Uint8Array(32), b: [1, 2, { c: 'x' }], d: true, e: null })], (b) => decodeCanonical(b, 'fuzz'));
  run('authority-entry', entries, (b) => openEntry(b, crypto));
  run('device-cert', [owner.cert.bytes, alice.cert.bytes], (b) => openDeviceCert(b, crypto));
  run('profile', [profile.bytes], (b) => openProfile(b, crypto, () => undefined));
  run('varint', [Uint8Array.of(0x80, 0x80, 0x01), Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f)], (b) => decodeVarint(b, 0, 'fuzz'));
  run('recovery-phrase', [utf8(`${'abandon '.repeat(23)}art`)], (b) => importRecoveryPhrase(new TextDecoder().decode(b)));
});
