/**
 * Vectors for the core formats: signed frames, device certificates, profiles, authority entries
 * (decoding) and authority replay scenarios (rules). Deterministic: seeded keys, fixed times.
 */
import { encode as cborEncode } from 'cborg';
import { cutoffRows, nextEntry } from '../../src/authority/build.ts';
import { CAP, ROLE_MOD } from '../../src/authority/capabilities.ts';
import { type AuthorityEntry, entryCodec } from '../../src/authority/entry.ts';
import { replayAuthority } from '../../src/authority/replay.ts';
import { toHex } from '../../src/bytes.ts';
import { decodeCanonicalMap } from '../../src/codec/cbor.ts';
import { buildFrame, parseFrame, type Signed, sign, signingInput } from '../../src/codec/signed.ts';
import { certifyDevice } from '../../src/identity/device-cert.ts';
import { signProfile } from '../../src/identity/profile.ts';
import { crypto } from '../helpers.ts';
import { member, OPEN_POLICY, T0, TestRoom } from '../room-fixture.ts';
import type { InvalidVector, ValidVector, VectorFile } from './vector-file.ts';

const hex = (b: Uint8Array): string => toHex(b);
const owner = member('vector-owner');
const alice = member('vector-alice');
const bob = member('vector-bob');

/** Re-signs `payload` bytes as a frame of `type` with `secret`: a valid signature over whatever bytes. */
const resign = (type: Parameters<typeof signingInput>[0], payload: Uint8Array, secret: Uint8Array): Uint8Array =>
  buildFrame(type, payload, crypto.ed25519Sign(secret, signingInput(type, payload)));

const reversedKeys = (payload: Uint8Array): Uint8Array =>
  cborEncode(decodeCanonicalMap(payload, 'x'), {
    mapSorter: (a: unknown[], b: unknown[]) => (String((a[0] as { value: unknown }).value) < String((b[0] as { value: unknown }).value) ? 1 : -1),
  });

const frameCases = (s: Signed<unknown>, secret: Uint8Array): InvalidVector[] => {
  const f = parseFrame(s.bytes);
  const flipped = s.bytes.slice();
  flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 1;
  const big = new Uint8Array(256 * 1024 + 1);
  big.set(s.bytes);
  const other = s.type === 'PROFILE' ? 'DEVICE_CERT' : 'PROFILE';
  return [
    { name: 'signature-flipped', hex: hex(flipped), error: 'ERR_SIGNATURE', note: 'one bit of the signature changed: Ed25519 verification fails' },
    {
      name: 'signature-from-other-domain',
      hex: hex(buildFrame(s.type, f.payload, crypto.ed25519Sign(secret, signingInput(other, f.payload)))),
      error: 'ERR_SIGNATURE',
      note: `signature made for the ${other} domain; domain separation makes it invalid here (THREATS 2)`,
    },
    {
      name: 'non-canonical-payload',
      hex: hex(resign(s.type, reversedKeys(f.payload), secret)),
      error: 'ERR_NON_CANONICAL',
      note: 'map keys out of DAG-CBOR order, though correctly signed: one value, one encoding',
    },
    { name: 'truncated', hex: hex(s.bytes.subarray(0, s.bytes.length - 10)), error: 'ERR_DECODE', note: 'frame length field does not match the bytes present' },
    { name: 'version-2', hex: hex(Uint8Array.from([2, ...s.bytes.subarray(1)])), error: 'ERR_DECODE', note: 'unsupported frame version byte' },
    { name: 'over-frame-limit', hex: hex(big), error: 'ERR_LIMIT', note: 'frames above maxFrameBytes (256 KiB) are refused before parsing (THREATS 19)' },
  ];
};

const single = (type: string, description: string, valid: ValidVector[], invalid: InvalidVector[]): VectorFile => ({ type, description, valid, invalid });

export const generate = (): Record<string, VectorFile> => {
  const cert = certifyDevice(owner.account, owner.device, T0, crypto, 'laptop');
  const certPayload = decodeCanonicalMap(parseFrame(cert.bytes).payload, 'x');
  const profile = signProfile(
    { signer: owner.device.sign.publicKey, account: owner.key, version: 3, displayName: 'Vector Owner', color: 0x3366ff },
    owner.device.sign.secret,
    crypto,
  );

  // Authority: one room history used by the entry and replay files.
  const room = new TestRoom(owner, 'Vector room', OPEN_POLICY);
  room.channel('general');
  room.join(alice);
  room.join(bob);
  room.do(owner, { kind: 'grant', target: alice.key, role: ROLE_MOD });
  const base = [...room.entries];
  const before = room.state;
  room.do(owner, { kind: 'create_channel', channel: new Uint8Array(16).fill(0xcc), name: 'later', channelKind: 'text', topic: '' });
  const revoke = room.do(owner, { kind: 'revoke', target: alice.key, role: ROLE_MOD, cutoffs: cutoffRows(room.state, alice.key) });
  const afterRevoke = [...room.entries];
  const backdated = nextEntry(before, alice.author, { kind: 'kick', target: bob.key, cutoffs: [] }, T0, crypto);
  const ban = nextEntry(
    room.state,
    owner.author,
    { kind: 'ban', target: bob.key, cutoffs: cutoffRows(room.state, bob.key), purge: true, reason: 'spam' },
    T0 + 99_000,
    crypto,
  );
  const listed = { name: 'Vector room', description: 'Frozen vectors\nsecond line', language: 'en', tags: ['gaming', 'gaming/fps'], color: 0x3366ff };
  const discovery = nextEntry(room.state, owner.author, { kind: 'set_discovery', settings: listed }, T0 + 98_000, crypto);
  const unlisted = nextEntry(room.state, owner.author, { kind: 'set_discovery', settings: undefined }, T0 + 98_000, crypto);
  const frames = (xs: readonly Signed<unknown>[]): string[] => xs.map((x) => hex(x.bytes));
  const s = room.state;
  const head = (action: Parameters<typeof nextEntry>[2], who = bob) => nextEntry(s, who.author, action, T0 + 50_000, crypto);
  const entryBody = nextEntry(s, bob.author, { kind: 'leave' }, T0, crypto).body;
  const general = (s.channels()[0] as { id: Uint8Array }).id;
  const modDelete = head({ kind: 'delete_message', channel: general, message: new Uint8Array(32).fill(0xab), author: bob.key, reason: 'off-topic' }, owner);
  const modDeletePayload = entryCodec.write(modDelete.body);
  const fileRules = head(
    { kind: 'set_policy', policy: { ...OPEN_POLICY, files: { maxBytes: 8 * 1024 * 1024, types: ['application/pdf', 'image/*'] } } },
    owner,
  );
  const fileRulesPayload = entryCodec.write(fileRules.body);
  const withFiles = (f: unknown) =>
    hex(resign('AUTHORITY_ENTRY', cborEncode({ ...fileRulesPayload, po: { ...(fileRulesPayload.po as object), f } }), owner.device.sign.secret));

  return {
    'device-cert.json': single(
      'DEVICE_CERT',
      'Device certificates: the account key signs { a: account, d: device, x: X25519 key, t, n? }.',
      [
        {
          name: 'laptop',
          hex: hex(cert.bytes),
          id: hex(cert.id),
          expect: { account: hex(owner.key), device: hex(owner.device.sign.publicKey), label: 'laptop' },
        },
      ],
      [
        ...frameCases(cert, owner.account.secret),
        {
          name: 'unknown-field',
          hex: hex(resign('DEVICE_CERT', cborEncode({ ...certPayload, zz: 1 }), owner.account.secret)),
          error: 'ERR_FIELD',
          note: 'unknown payload keys are rejected so nothing rides along under a signature',
        },
        {
          name: 'short-device-key',
          hex: hex(resign('DEVICE_CERT', cborEncode({ ...certPayload, d: new Uint8Array(31) }), owner.account.secret)),
          error: 'ERR_FIELD',
          note: 'device key must be exactly 32 bytes',
        },
        {
          name: 'signed-by-device-not-account',
          hex: hex(resign('DEVICE_CERT', parseFrame(cert.bytes).payload, owner.device.sign.secret)),
          error: 'ERR_SIGNATURE',
          note: 'a device certificate must be signed by the account it names (THREATS 3)',
        },
      ],
    ),
    'profile.json': single(
      'PROFILE',
      'Signed replaceable profiles { a, u, v, n, c }.',
      [{ name: 'owner-profile', hex: hex(profile.bytes), id: hex(profile.id), expect: { displayName: 'Vector Owner', color: 0x3366ff, version: 3 } }],
      [
        ...frameCases(profile, owner.device.sign.secret),
        {
          name: 'control-characters-in-name',
          hex: hex(
            resign('PROFILE', cborEncode({ ...decodeCanonicalMap(parseFrame(profile.bytes).payload, 'x'), n: 'evil\u0000name' }), owner.device.sign.secret),
          ),
          error: 'ERR_FIELD',
          note: 'display names may not contain control characters',
        },
        {
          name: 'colour-out-of-range',
          hex: hex(resign('PROFILE', cborEncode({ ...decodeCanonicalMap(parseFrame(profile.bytes).payload, 'x'), c: 0x1000000 }), owner.device.sign.secret)),
          error: 'ERR_FIELD',
          note: 'avatar colour is 0xRRGGBB',
        },
      ],
    ),
    'authority-entry.json': single(
      'AUTHORITY_ENTRY',
      'Decoding single authority entries (form and signature; rules are in authority-replay.json).',
      [
        {
          name: 'genesis',
          hex: hex((room.entries[0] as Signed<unknown>).bytes),
          id: hex((room.entries[0] as Signed<unknown>).id),
          expect: { kind: 'genesis', lamport: 0 },
        },
        { name: 'ban-with-purge', hex: hex(ban.bytes), id: hex(ban.id), expect: { kind: 'ban', purge: true, reason: 'spam' } },
        { name: 'revoke-with-cutoffs', hex: hex(revoke.bytes), id: hex(revoke.id), expect: { kind: 'revoke' } },
        {
          name: 'delete-message-with-reason',
          hex: hex(modDelete.bytes),
          id: hex(modDelete.id),
          expect: { kind: 'delete_message', author: hex(bob.key), reason: 'off-topic' },
        },
        { name: 'set-discovery', hex: hex(discovery.bytes), id: hex(discovery.id), expect: { kind: 'set_discovery' } },
        {
          name: 'set-policy-file-rules',
          hex: hex(fileRules.bytes),
          id: hex(fileRules.id),
          expect: {
            kind: 'set_policy',
            policy: {
              join: 'open',
              durability: 'replicated',
              hubs: [],
              historyVisible: true,
              iceServers: [],
              files: { maxBytes: 8 * 1024 * 1024, types: ['application/pdf', 'image/*'] },
            },
          },
        },
        { name: 'set-discovery-unlisted', hex: hex(unlisted.bytes), id: hex(unlisted.id), expect: { kind: 'set_discovery' } },
      ],
      [
        ...frameCases(ban, owner.device.sign.secret),
        {
          name: 'seq-zero',
          hex: hex(resign('AUTHORITY_ENTRY', cborEncode({ ...entryCodec.write(entryBody), s: 0 }), bob.device.sign.secret)),
          error: 'ERR_FIELD',
          note: 'sequence numbers start at 1',
        },
        {
          name: 'unknown-kind',
          hex: hex(resign('AUTHORITY_ENTRY', cborEncode({ ...entryCodec.write(entryBody), k: 'coronate' }), bob.device.sign.secret)),
          error: 'ERR_FIELD',
          note: 'kind must be one of the entry kinds',
        },
        {
          name: 'delete-reason-over-limit',
          hex: hex(resign('AUTHORITY_ENTRY', cborEncode({ ...modDeletePayload, rs: 'x'.repeat(1025) }), owner.device.sign.secret)),
          error: 'ERR_LIMIT',
          note: 'a removal reason is at most maxTextBytes (1,024) of UTF-8, like a ban reason',
        },
        {
          name: 'delete-reason-multiline',
          hex: hex(resign('AUTHORITY_ENTRY', cborEncode({ ...modDeletePayload, rs: 'off\ntopic' }), owner.device.sign.secret)),
          error: 'ERR_FIELD',
          note: 'a removal reason is one line: control characters are refused',
        },
        {
          name: 'file-rules-empty',
          hex: withFiles({}),
          error: 'ERR_FIELD',
          note: 'file rules name a size or types; without either the f key is absent',
        },
        {
          name: 'file-rules-zero-bytes',
          hex: withFiles({ z: 0 }),
          error: 'ERR_FIELD',
          note: 'the largest file is at least 1 byte',
        },
        {
          name: 'file-rules-over-protocol-limit',
          hex: withFiles({ z: 2 * 1024 * 1024 * 1024 + 1 }),
          error: 'ERR_FIELD',
          note: 'a room may lower the largest file, not raise it above maxFileBytes',
        },
        {
          name: 'file-rules-type-upper-case',
          hex: withFiles({ t: ['Image/*'] }),
          error: 'ERR_FIELD',
          note: 'a media type rule is type/subtype or type/*, lower case',
        },
        {
          name: 'file-rules-types-unsorted',
          hex: withFiles({ t: ['image/*', 'application/pdf'] }),
          error: 'ERR_FIELD',
          note: 'types are sorted and unique (one canonical encoding)',
        },
        {
          name: 'field-of-another-kind',
          hex: hex(resign('AUTHORITY_ENTRY', cborEncode({ ...entryCodec.write(entryBody), tg: owner.key }), bob.device.sign.secret)),
          error: 'ERR_FIELD',
          note: 'a LEAVE carries no target: fields of other kinds are unknown fields',
        },
        {
          name: 'discovery-tag-not-normal',
          hex: hex(
            resign(
              'AUTHORITY_ENTRY',
              cborEncode({ ...entryCodec.write(discovery.body), ds: { ...(entryCodec.write(discovery.body).ds as object), tg: ['Gaming'] } }),
              owner.device.sign.secret,
            ),
          ),
          error: 'ERR_FIELD',
          note: 'directory tags are in normal form (section 8.3), like a LISTING’s',
        },
        {
          name: 'discovery-unsorted-tags',
          hex: hex(
            resign(
              'AUTHORITY_ENTRY',
              cborEncode({ ...entryCodec.write(discovery.body), ds: { ...(entryCodec.write(discovery.body).ds as object), tg: ['gaming/fps', 'gaming'] } }),
              owner.device.sign.secret,
            ),
          ),
          error: 'ERR_FIELD',
          note: 'directory tags are strictly ascending (one encoding per set)',
        },
        {
          name: 'prev-unsorted',
          hex: hex(
            resign(
              'AUTHORITY_ENTRY',
              cborEncode({ ...entryCodec.write(entryBody), p: [new Uint8Array(32).fill(2), new Uint8Array(32).fill(1)] }),
              bob.device.sign.secret,
            ),
          ),
          error: 'ERR_FIELD',
          note: 'previous ids must be strictly ascending (one encoding per set)',
        },
      ],
    ),
    'authority-replay.json': single(
      'AUTHORITY_REPLAY',
      'Replay scenarios: frames in any order replay to the expected state; for an invalid case the LAST frame must be rejected (or held pending) with the error given.',
      [
        {
          name: 'room-with-mod-and-revoke',
          frames: frames(afterRevoke),
          expect: { valid: afterRevoke.length, members: 3, canBanAlice: false, epochGeneral: 0 },
        },
        {
          name: 'ban-rotates-keys',
          frames: frames([...afterRevoke, ban]),
          expect: { valid: afterRevoke.length + 1, members: 2, epochGeneral: 1 },
        },
      ],
      [
        {
          name: 'member-creates-channel',
          frames: frames([...afterRevoke, head({ kind: 'create_channel', channel: new Uint8Array(16).fill(5), name: 'x', channelKind: 'text', topic: '' })]),
          error: 'ERR_UNAUTHORIZED',
          note: 'creating a channel needs MANAGE_CHANNELS (THREATS 6)',
        },
        {
          name: 'member-sets-discovery',
          frames: frames([...afterRevoke, head({ kind: 'set_discovery', settings: listed })]),
          error: 'ERR_UNAUTHORIZED',
          note: 'listing a room in the directory needs MANAGE_ROOM, like its policy',
        },
        {
          name: 'mod-bans-owner',
          frames: frames([...base, nextEntry(replayFor(base), alice.author, { kind: 'ban', target: owner.key, cutoffs: [], purge: false }, T0 + 1, crypto)]),
          error: 'ERR_UNAUTHORIZED',
          note: 'nobody acts on the room creator (THREATS 7)',
        },
        {
          name: 'role-with-unheld-caps',
          frames: frames([
            ...base,
            nextEntry(replayFor(base), alice.author, { kind: 'define_role', role: 'x', name: 'X', caps: CAP.MANAGE_ROLES, rank: 1, color: 0 }, T0 + 1, crypto),
          ]),
          error: 'ERR_UNAUTHORIZED',
          note: 'needs MANAGE_ROLES, and a role may only carry capabilities its definer holds (THREATS 13)',
        },
        {
          name: 'revoked-mod-backdates',
          frames: frames([...afterRevoke, backdated]),
          error: 'ERR_CUTOFF',
          note: 'signed on heads from before the REVOKE with a low Lamport clock, but its seq is above the cut-off (THREATS 8)',
        },
        {
          name: 'wrong-lamport',
          frames: frames([...afterRevoke, sign(entryCodec, { ...entryBody, lamport: 1 }, bob.device.sign.secret, crypto)]),
          error: 'ERR_FIELD',
          note: 'Lamport must be 1 + the highest clock of the previous entries (THREATS 11)',
        },
        {
          name: 'unknown-prev',
          frames: frames([...afterRevoke, sign(entryCodec, { ...entryBody, prev: [new Uint8Array(32).fill(7)] }, bob.device.sign.secret, crypto)]),
          error: 'ERR_UNKNOWN_REFERENCE',
          note: 'previous entry unknown: held pending, never applied (THREATS 11)',
        },
        {
          name: 'uncertified-device',
          frames: frames([
            ...afterRevoke,
            sign(entryCodec, { ...entryBody, signer: alice.device.sign.publicKey, account: owner.key }, alice.device.sign.secret, crypto),
          ]),
          error: 'ERR_UNAUTHORIZED',
          note: 'signer is not a device certified for the account it claims (forged owner entry, THREATS 3, 6)',
        },
        {
          name: 'equivocation',
          frames: frames([
            ...afterRevoke,
            head({ kind: 'leave' }),
            sign(entryCodec, { ...head({ kind: 'leave' }).body, time: T0 + 1 }, bob.device.sign.secret, crypto),
          ]),
          error: 'ERR_FIELD',
          note: 'two entries with the same device sequence number: the later-sorted one is rejected (THREATS 5)',
        },
      ],
    ),
  };
};

const replayFor = (entries: readonly Signed<AuthorityEntry>[]) => replayAuthority(entries, crypto);
