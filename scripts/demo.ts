/**
 * The protocol core end to end, in one process, through the public API only: two people make
 * identities, Alice founds a room and a channel and invites Bob, both exchange signed and encrypted
 * messages that each side verifies against the replayed authority log, a tampered message and a
 * message sent after a ban are refused, and the log replays to the same state in any order.
 * `npm start` runs this while no service exists yet.
 */
import {
  type Author,
  type AuthorityEntry,
  accountKeys,
  CAP,
  type CryptoPort,
  certifyDevice,
  createEnvelope,
  createEpochBundle,
  createGenesis,
  cutoffRows,
  decryptEnvelope,
  deviceKeys,
  type EntryAction,
  encodeInviteUrl,
  isProtocolError,
  issueInviteToken,
  nextEntry,
  openEpochBundle,
  parseInviteUrl,
  type RoomState,
  replayAuthority,
  type Signed,
  toHex,
  verifyEnvelope,
} from '@parley/protocol';
import { nodeCrypto } from '@parley/protocol/crypto-node';

const c: CryptoPort = nodeCrypto;
const random = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n));
/** A one-use X25519 keypair for sealing. */
const ephemeral = (): { secret: Uint8Array; publicKey: Uint8Array } => {
  const secret = random(32);
  return { secret, publicKey: c.x25519PublicKey(secret) };
};
const short = (b: Uint8Array): string => toHex(b).slice(0, 8);
const say = (step: string, text: string): void => console.log(`${step.padEnd(9)} ${text}`);

interface Person {
  readonly name: string;
  readonly author: Author;
  readonly device: ReturnType<typeof deviceKeys>;
  seq: number;
}

const person = (name: string, now: number): Person => {
  const account = accountKeys(random(32), c);
  const device = deviceKeys(random(32), random(32), c);
  const cert = certifyDevice(account, device, now, c, `${name}'s laptop`);
  say('identity', `${name}: account ${short(account.publicKey)}, device ${short(device.sign.publicKey)} certified by the account`);
  return { name, author: { account: account.publicKey, signer: device.sign, cert }, device, seq: 0 };
};

export const runDemo = (): void => {
  let now = Date.now();
  const log: Signed<AuthorityEntry>[] = [];
  let state: RoomState;
  const append = (who: Person, action: EntryAction): Signed<AuthorityEntry> => {
    const e = nextEntry(state, who.author, action, (now += 1000), c);
    log.push(e);
    state = replayAuthority(log, c);
    const rejected = state.rejected.find((r) => toHex(r.id) === toHex(e.id));
    if (rejected !== undefined) throw rejected.error;
    say('log', `${who.name} signs ${action.kind} (entry ${short(e.id)}, ${e.bytes.length} bytes)`);
    return e;
  };

  const alice = person('Alice', now);
  const bob = person('Bob', now);

  const genesis = createGenesis({ author: alice.author, name: 'Parley demo', nonce: random(16), time: now }, c);
  log.push(genesis);
  state = replayAuthority(log, c);
  say('room', `Alice founds "Parley demo": room id ${short(state.roomId)} is the hash of her key, the name and a nonce`);
  const channel = random(16);
  append(alice, { kind: 'create_channel', channel, name: 'general', channelKind: 'text', topic: 'say hello' });
  const token = issueInviteToken({ signer: alice.device.sign, account: alice.author.account, room: state.roomId }, random, c);
  const url = encodeInviteUrl({ room: state.roomId, addrs: [], token: token.bytes, name: 'Parley demo' }, 'http://localhost:3000');
  say('invite', `Alice sends Bob a link: ${url.slice(0, 48)}... (${url.length} chars; the token rides in the fragment)`);
  const invite = parseInviteUrl(url, c);
  append(bob, { kind: 'join', cert: bob.author.cert?.bytes, invite: invite.token?.bytes });

  // Epoch 0 of #general: Alice seals a fresh key to every device that may read the channel.
  const pos = state.length - 1;
  const trigger = state.epochTrigger(channel, 0);
  if (trigger === undefined) throw new Error('channel has no epoch 0');
  const epochKey = random(32);
  const bundle = createEpochBundle(
    { account: alice.author.account, room: state.roomId, channel, epoch: 0, trigger: trigger.entryId, epochKey, recipients: state.readersAt(channel, pos) },
    alice.device.sign,
    ephemeral(),
    c,
  );
  const bobKey = openEpochBundle(bundle.body, bob.device.sign.publicKey, bob.device.box, c);
  if (bobKey === undefined) throw new Error('Bob is not a recipient of the epoch bundle');
  say(
    'keys',
    `Alice seals the epoch-0 key to ${bundle.body.recipients.length} devices; Bob opens his copy: ${toHex(bobKey) === toHex(epochKey) ? 'same key' : 'MISMATCH'}`,
  );

  let lamport = 0;
  /** Signs and encrypts a message on top of `heads` (the authority entries the sender has seen). */
  const send = (who: Person, text: string, key: Uint8Array, heads = state.heads()): Uint8Array => {
    const at = Math.max(...heads.map((h) => state.positionOf(h) ?? 0));
    const env = createEnvelope(
      {
        account: who.author.account,
        room: state.roomId,
        channel,
        seq: ++who.seq,
        lamport: ++lamport,
        heads,
        epoch: state.epochAt(channel, at),
        content: { text },
      },
      who.device.sign,
      key,
      random(24),
      c,
    );
    return env.bytes;
  };
  const receive = (by: Person, bytes: Uint8Array, key: Uint8Array): void => {
    try {
      const { envelope } = verifyEnvelope(bytes, state, c);
      const from = toHex(envelope.body.account) === toHex(alice.author.account) ? 'Alice' : 'Bob';
      say('message', `${by.name} verifies and decrypts ${from}'s message #${envelope.body.seq}: "${decryptEnvelope(envelope.body, key, c).text}"`);
    } catch (e) {
      if (!isProtocolError(e)) throw e;
      say('refused', `${by.name} drops it: ${e.code} (${e.message})`);
    }
  };

  receive(bob, send(alice, 'Welcome to Parley, Bob!', epochKey), bobKey);
  receive(alice, send(bob, 'Thanks! No server holds this room, only signatures.', bobKey), epochKey);
  const tampered = send(alice, 'Meet at noon.', epochKey);
  tampered[tampered.length - 70] = (tampered[tampered.length - 70] as number) ^ 1;
  say('tamper', 'someone on the path flips one bit of an in-flight message from Alice');
  receive(bob, tampered, bobKey);

  const beforeBan = state.heads();
  append(alice, {
    kind: 'ban',
    target: bob.author.account,
    cutoffs: cutoffRows(state, bob.author.account, [{ device: bob.device.sign.publicKey, stream: channel, seq: bob.seq }]),
    purge: false,
  });
  const canSend = state.can(bob.author.account, CAP.SEND, channel, state.length - 1);
  const epoch = state.epochAt(channel, state.length - 1);
  say('ban', `Alice bans Bob. May he still send? ${canSend ? 'yes' : 'no'}. #general moves to epoch ${epoch}, whose key Bob never gets`);
  receive(alice, send(bob, 'Banned? I will post anyway.', bobKey), epochKey);
  say('backdate', 'Bob tries again, pretending he never saw the ban (his message names only older authority heads)');
  receive(alice, send(bob, 'This one is from before the ban, honest.', bobKey, beforeBan), epochKey);

  // Deterministic convergence: any arrival order replays to the same state.
  const t0 = performance.now();
  const reversed = replayAuthority([...log].reverse(), c);
  const ms = performance.now() - t0;
  const same = JSON.stringify(reversed.validEntries().map((e) => toHex(e.id))) === JSON.stringify(state.validEntries().map((e) => toHex(e.id)));
  say('replay', `the ${log.length}-entry log replayed in reverse arrival order in ${ms.toFixed(1)} ms: ${same ? 'identical state' : 'DIFFERENT STATE'}`);
  if (!same) throw new Error('replay diverged');
};
