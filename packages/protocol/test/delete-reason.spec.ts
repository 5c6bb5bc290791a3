/**
 * DELETE_MESSAGE's optional reason (`rs`): any one-line text up to maxTextBytes survives signing and
 * decoding, the replayed log accepts the entry, and removalReason hands it to the tombstone; an
 * absent reason leaves the bytes as they were before the field existed (no `rs` key); control
 * characters and oversized reasons are refused with typed errors.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { removalReason } from '../src/authority/audit.ts';
import { nextEntry } from '../src/authority/build.ts';
import { entryCodec } from '../src/authority/entry.ts';
import { openEntry } from '../src/authority/open-entry.ts';
import { replayAuthority } from '../src/authority/replay.ts';
import { utf8 } from '../src/bytes.ts';
import { decodeCanonicalMap } from '../src/codec/cbor.ts';
import { parseFrame } from '../src/codec/signed.ts';
import { LimitError, ProtocolError } from '../src/errors.ts';
import { LIMITS } from '../src/limits.ts';
import { crypto } from './helpers.ts';
import { member, OPEN_POLICY, T0, TestRoom } from './room-fixture.ts';

const RUNS = Number(process.env.PARLEY_PROPERTY_RUNS ?? 40);
const owner = member('reason-owner');
const bob = member('reason-bob');
const room = new TestRoom(owner, 'Reasons', OPEN_POLICY);
const general = room.channel('general');
room.join(bob);
const MESSAGE = new Uint8Array(32).fill(0x5a);

const del = (reason: string | undefined) =>
  nextEntry(room.state, owner.author, { kind: 'delete_message', channel: general, message: MESSAGE, author: bob.key, reason }, T0 + 60_000, crypto);

// One-line text: no C0 controls, no DEL, within the byte limit.
// biome-ignore lint/suspicious/noControlCharactersInRegex: keeping control characters out is the point
const reasonArb = fc.string({ unit: 'grapheme', maxLength: 200 }).filter((s) => !/[\u0000-\u001f\u007f]/.test(s) && utf8(s).length <= LIMITS.maxTextBytes);

describe('DELETE_MESSAGE reason', () => {
  it('round-trips through signing, decoding and replay, and reaches the tombstone', () => {
    fc.assert(
      fc.property(reasonArb, (reason) => {
        const e = del(reason);
        const opened = openEntry(e.bytes, crypto);
        const a = opened.body.action;
        assert.equal(a.kind, 'delete_message');
        assert.equal(a.kind === 'delete_message' ? a.reason : undefined, reason);
        const st = replayAuthority([...room.entries, e], crypto);
        const [d] = st.moderatorDeletions(general);
        assert.ok(d !== undefined, 'the moderator delete is valid');
        assert.equal(removalReason(st, { reason: d.reason, by: d.by, entryId: d.entryId }), reason);
      }),
      { numRuns: RUNS },
    );
  });

  it('absent: no rs key in the payload, and no reason on the tombstone', () => {
    const e = del(undefined);
    assert.equal('rs' in decodeCanonicalMap(parseFrame(e.bytes).payload, 'x'), false);
    const st = replayAuthority([...room.entries, e], crypto);
    const d = st.moderatorDeletions(general)[0];
    assert.ok(d !== undefined);
    assert.equal(removalReason(st, { reason: 'delete', by: d.by, entryId: d.entryId }), undefined);
    assert.equal(removalReason(st, { reason: 'author', by: bob.key, entryId: d.entryId }), undefined, 'an author delete names no reason');
  });

  it('a ban with purge lends its reason to the purged messages', () => {
    const ban = nextEntry(room.state, owner.author, { kind: 'ban', target: bob.key, cutoffs: [], purge: true, reason: 'spam' }, T0 + 60_000, crypto);
    const st = replayAuthority([...room.entries, ban], crypto);
    assert.equal(removalReason(st, { reason: 'purge', by: owner.key, entryId: ban.id }), 'spam');
  });

  it('refuses reasons with control characters (ERR_FIELD) and over the limit (ERR_LIMIT)', () => {
    fc.assert(
      fc.property(reasonArb, fc.integer({ min: 0, max: 0x1f }), fc.nat(), (base, control, at) => {
        const i = at % (base.length + 1);
        const bad = base.slice(0, i) + String.fromCharCode(control) + base.slice(i);
        assert.throws(
          () => del(bad),
          (e: unknown) => e instanceof ProtocolError && e.code === 'ERR_FIELD',
        );
      }),
      { numRuns: RUNS },
    );
    assert.throws(() => del('é'.repeat(LIMITS.maxTextBytes / 2 + 1)), LimitError);
    assert.doesNotThrow(() => del('é'.repeat(LIMITS.maxTextBytes / 2)));
  });

  it('a decoder given the field on another kind still refuses it', () => {
    const pin = nextEntry(room.state, owner.author, { kind: 'pin', channel: general, message: MESSAGE, pinned: true }, T0 + 60_000, crypto);
    const body = { ...pin.body, action: { ...pin.body.action, reason: 'x' } } as typeof pin.body;
    // writeAction drops fields a kind does not have, so a PIN never carries rs; a hand-made payload with it is refused.
    const payload = { ...entryCodec.write(body), rs: 'x' };
    assert.throws(
      () => entryCodec.read(payload as never, 'AUTHORITY_ENTRY'),
      (e: unknown) => e instanceof ProtocolError && e.code === 'ERR_FIELD',
    );
  });
});
