/**
 * Parley's kad-dht validators and selectors: valid presence records and listing sets pass, anything
 * else is refused with the protocol core's typed error; selectors pick by the protocol's order.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  accountKeys,
  createListing,
  encodeListingSet,
  ProtocolError,
  peerIdOfEd25519,
  presenceDhtKeyBytes,
  signPresence,
  tagDhtKey,
  tagKey,
  utf8,
} from '@parley/protocol';
import { parleySelector, parleyValidator, parseDhtKey } from '../src/index.ts';
import { crypto, seed, T0, testRoom } from './helpers.ts';

const NOW = T0 + 1000;
const ctx = { crypto, now: () => NOW, listingDifficulty: 4 };
const validate = parleyValidator(ctx);
const select = parleySelector(ctx);
const { room } = testRoom('dht');
const key = presenceDhtKeyBytes(room);

const presence = (name: string, expiresAt: number, r = room) => {
  const signer = crypto.ed25519PublicKey(seed(name));
  return signPresence(
    { signer, peerId: peerIdOfEd25519(signer), room: r, role: 'hub', addrs: ['/ip4/192.0.2.1/tcp/443/wss'], caps: 1, issuedAt: T0, expiresAt },
    seed(name),
    crypto,
  ).bytes;
};

const rejects = (k: Uint8Array, v: Uint8Array, code: string) =>
  assert.throws(
    () => validate(k, v),
    (e: unknown) => e instanceof ProtocolError && e.code === code,
  );

describe('DHT presence records (/parley/room/<hex>)', () => {
  it('accepts a valid signed record for the key’s room', () => {
    validate(key, presence('p1', T0 + 60_000));
  });

  it('refuses a record whose signature was altered (ERR_SIGNATURE)', () => {
    const bad = presence('p1', T0 + 60_000).slice();
    bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 1;
    rejects(key, bad, 'ERR_SIGNATURE');
  });

  it('refuses a valid record stored under another room’s key (ERR_FIELD)', () => {
    rejects(presenceDhtKeyBytes(testRoom('other').room), presence('p1', T0 + 60_000), 'ERR_FIELD');
  });

  it('refuses an expired record (ERR_EXPIRED) and garbage bytes (ERR_DECODE)', () => {
    rejects(key, presence('p1', T0 + 500), 'ERR_EXPIRED');
    rejects(key, utf8('not a frame at all, just some text'), 'ERR_DECODE');
  });

  it('refuses malformed keys under the parley namespace (ERR_FIELD)', () => {
    rejects(utf8('/parley/room/ABCD'), presence('p1', T0 + 60_000), 'ERR_FIELD');
    rejects(utf8('/parley/other/00'), presence('p1', T0 + 60_000), 'ERR_FIELD');
    assert.equal(parseDhtKey(key).kind, 'room');
  });

  it('selects the later expiry and never an invalid candidate', () => {
    const early = presence('p1', T0 + 60_000);
    const late = presence('p2', T0 + 120_000);
    const forged = late.slice();
    forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 1;
    assert.equal(select(key, [early, late]), 1);
    assert.equal(select(key, [late, early]), 0);
    assert.equal(select(key, [forged, early]), 1);
  });
});

describe('DHT listing sets (/parley/tag/<hex>)', () => {
  const account = accountKeys(seed('lister'), crypto);
  const listing = (name: string, tags: string[], issuedAt = T0) =>
    createListing(
      {
        signer: account.publicKey,
        account: account.publicKey,
        room: testRoom(name).room,
        name,
        description: '',
        language: 'en',
        tags,
        color: 0x336699,
        issuedAt,
        expiresAt: issuedAt + 3_600_000,
      },
      account.secret,
      crypto,
      { difficulty: 4 },
    );
  const tag = utf8(tagDhtKey('games', crypto));

  it('accepts a set of listings that belong under the tag key', () => {
    assert.equal(parseDhtKey(tag).kind, 'tag');
    assert.deepEqual(parseDhtKey(tag).id, tagKey('games', crypto));
    validate(tag, encodeListingSet([listing('r1', ['games/fps']), listing('r2', ['games'])]));
  });

  it('refuses a set holding a listing of another tag (one forged element spoils the record)', () => {
    rejects(tag, encodeListingSet([listing('r1', ['games']), listing('r3', ['music'])]), 'ERR_FIELD');
  });

  it('refuses a set with too little work for the configured difficulty', () => {
    const strict = parleyValidator({ ...ctx, listingDifficulty: 30 });
    assert.throws(
      () => strict(tag, encodeListingSet([listing('r1', ['games'])])),
      (e: unknown) => e instanceof ProtocolError && e.code === 'ERR_PROOF_OF_WORK',
    );
  });

  it('selects the set with more valid listings', () => {
    const one = encodeListingSet([listing('r1', ['games'])]);
    const two = encodeListingSet([listing('r1', ['games']), listing('r2', ['games'])]);
    assert.equal(select(tag, [one, two]), 1);
    assert.equal(select(tag, [two, one]), 0);
  });
});
