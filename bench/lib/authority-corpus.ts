/**
 * A realistic authority log of any length for benchmarks: one owner, a growing membership (a fifth
 * of the entries are joins), twenty channels, and a steady mix of moderation (grants, revocations
 * with cut-offs, mutes, pins, deletions, bans and unbans, channel edits). Built as a chain
 * directly (no replay per step), signed with the node crypto port, deterministic.
 */
import { type AuthorityEntry, type CutoffRow, type EntryAction, entryCodec, ROLE_MOD, roomIdOf, type Signed, sign } from '@parley/protocol';
import { nodeCrypto } from '@parley/protocol/crypto-node';

const key = (label: string): { secret: Uint8Array; publicKey: Uint8Array } => {
  const secret = nodeCrypto.sha256(new TextEncoder().encode(label));
  return { secret, publicKey: nodeCrypto.ed25519PublicKey(secret) };
};

export const buildAuthorityChain = (n: number): Signed<AuthorityEntry>[] => {
  const owner = key('corpus-owner');
  const nonce = new Uint8Array(16).fill(1);
  const room = roomIdOf(owner.publicKey, 'bench room', nonce, nodeCrypto);
  const out: Signed<AuthorityEntry>[] = [];
  const seqs = new Map<Uint8Array, number>();
  const members: { secret: Uint8Array; publicKey: Uint8Array }[] = [];
  const channels: Uint8Array[] = [];
  let prev: Uint8Array[] = [];
  const push = (who: { secret: Uint8Array; publicKey: Uint8Array }, action: EntryAction): void => {
    const seq = (seqs.get(who.publicKey) ?? 0) + 1;
    seqs.set(who.publicKey, seq);
    const body: AuthorityEntry = {
      signer: who.publicKey,
      account: who.publicKey,
      room,
      seq,
      lamport: out.length,
      prev,
      time: 1_750_000_000_000 + out.length,
      action,
    };
    const e = sign(entryCodec, body, who.secret, nodeCrypto);
    out.push(e);
    prev = [e.id];
  };
  push(owner, { kind: 'genesis', name: 'bench room', nonce });
  push(owner, { kind: 'set_policy', policy: { join: 'open', durability: 'replicated', hubs: [], historyVisible: true, iceServers: [] } });
  for (let c = 0; c < 20 && out.length < n; c++) {
    const ch = new Uint8Array(16);
    ch[0] = c + 1;
    channels.push(ch);
    push(owner, { kind: 'create_channel', channel: ch, name: `channel-${c}`, channelKind: 'text', topic: '' });
  }
  // Honest cut-offs: the highest authority seq of the target that the issuer has seen.
  const authorityCutoff = (device: Uint8Array): CutoffRow[] => [{ device, stream: new Uint8Array(0), seq: seqs.get(device) ?? 0 }];
  const banned = new Set<number>();
  let i = 0;
  while (out.length < n) {
    i++;
    if (i % 5 === 0 || members.length < 10) {
      const m = key(`corpus-member-${members.length}`);
      members.push(m);
      push(m, { kind: 'join' });
      continue;
    }
    const t = (i * 7919) % members.length;
    const target = members[t] as { publicKey: Uint8Array };
    const ch = channels[i % channels.length] as Uint8Array;
    const msg = nodeCrypto.sha256(new Uint8Array([i & 255, (i >> 8) & 255, (i >> 16) & 255]));
    if (banned.has(t)) {
      push(owner, { kind: 'unban', target: target.publicKey });
      banned.delete(t);
      push(members[t] as { secret: Uint8Array; publicKey: Uint8Array }, { kind: 'join' });
      continue;
    }
    switch (i % 8) {
      case 0:
        push(owner, { kind: 'pin', channel: ch, message: msg, pinned: true });
        break;
      case 1:
        push(owner, { kind: 'delete_message', channel: ch, message: msg, author: target.publicKey });
        break;
      case 2:
        push(owner, { kind: 'mute', target: target.publicKey, cutoffs: [{ device: target.publicKey, stream: ch, seq: i }] });
        push(owner, { kind: 'unmute', target: target.publicKey });
        break;
      case 3:
        push(owner, { kind: 'edit_channel', channel: ch, topic: `topic ${i}` });
        break;
      case 4:
        push(owner, { kind: 'ban', target: target.publicKey, cutoffs: authorityCutoff(target.publicKey), purge: false });
        banned.add(t);
        break;
      default:
        push(owner, { kind: 'grant', target: target.publicKey, role: ROLE_MOD });
        push(owner, { kind: 'revoke', target: target.publicKey, role: ROLE_MOD, cutoffs: authorityCutoff(target.publicKey) });
    }
  }
  return out.slice(0, n);
};
