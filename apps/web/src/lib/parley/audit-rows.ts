/**
 * The audit log as the room's audit view shows it: each authority entry in the room's order with
 * the words for its action, who signed it, the capability it used, whom or what it was about, when
 * (the author's clock, informational), and the checks this browser re-ran (signature, chain).
 */
import type { AuditEntry } from '@parley/protocol';
import { toHex } from '@parley/protocol';

export interface AuditRow {
  readonly id: string;
  readonly position: number;
  readonly kind: string;
  readonly action: string;
  readonly byHex: string;
  readonly by: string;
  readonly capability: string;
  readonly targetHex: string | undefined;
  readonly target: string;
  readonly time: number;
  readonly valid: boolean;
  readonly checks: string;
}

const ACTIONS: Record<string, string> = {
  genesis: 'started the room',
  join: 'joined',
  leave: 'left',
  add_device: 'added a device',
  revoke_device: 'revoked a device',
  define_role: 'defined a role',
  grant: 'granted a role',
  revoke: 'took a role back',
  ban: 'banned',
  unban: 'unbanned',
  kick: 'kicked',
  mute: 'muted',
  unmute: 'unmuted',
  set_policy: 'changed the room policy',
  create_channel: 'created a channel',
  edit_channel: 'edited a channel',
  delete_channel: 'deleted a channel',
  set_channel_acl: 'changed who may use a channel',
  delete_message: 'removed a message',
  pin: 'pinned or unpinned a message',
  revoke_invite: 'revoked an invite',
  rotate: 'rotated a channel key',
  set_discovery: 'changed the directory listing',
};

export const actionWords = (kind: string): string => ACTIONS[kind] ?? kind;

export const auditRows = (
  entries: readonly AuditEntry[],
  nameOf: (account: Uint8Array) => string,
  channelName: (id: Uint8Array) => string | undefined,
): AuditRow[] =>
  entries.map((e) => {
    const target = e.target;
    const channel = target?.length === 16 ? channelName(target) : undefined;
    const checks = [e.signatureValid ? 'signature valid' : 'signature INVALID', e.chainIntact ? 'chain intact' : 'chain BROKEN'];
    if (e.status === 'rejected') checks.push(`refused: ${e.error?.code ?? 'unknown'}`);
    return {
      id: toHex(e.id),
      position: e.position,
      kind: e.kind,
      action: actionWords(e.kind),
      byHex: toHex(e.account),
      by: nameOf(e.account),
      capability: e.capability ?? '—',
      targetHex: target === undefined ? undefined : toHex(target),
      target:
        target === undefined ? '—' : channel !== undefined ? `#${channel}` : target.length === 16 ? `channel ${toHex(target).slice(0, 8)}` : nameOf(target),
      time: e.time,
      valid: e.status === 'valid' && e.signatureValid && e.chainIntact,
      checks: checks.join(', '),
    };
  });
