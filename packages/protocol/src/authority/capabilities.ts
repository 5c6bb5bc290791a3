/**
 * Capabilities are bits; roles are named bundles with a rank. Static roles OWNER / MOD / MEMBER are
 * predefined bundles (BANNED is a state, not a role). Nobody acts on an equal or higher rank; the
 * room creator is the root and outranks everyone.
 */
export const CAP = {
  READ: 1 << 0,
  SEND: 1 << 1,
  INVITE: 1 << 2,
  PIN: 1 << 3,
  DELETE_MESSAGES: 1 << 4,
  MUTE: 1 << 5,
  KICK: 1 << 6,
  BAN: 1 << 7,
  MANAGE_CHANNELS: 1 << 8,
  MANAGE_ROLES: 1 << 9,
  MANAGE_KEYS: 1 << 10,
  MANAGE_ROOM: 1 << 11,
} as const;

export type CapabilityName = keyof typeof CAP;
export const ALL_CAPS = Object.values(CAP).reduce((a, b) => a | b, 0);

export const capNames = (caps: number): CapabilityName[] => (Object.keys(CAP) as CapabilityName[]).filter((k) => (caps & CAP[k]) !== 0);

/** The creator's rank: above every definable role. */
export const OWNER_RANK = 1_000_000;
/** Definable roles rank from 0 (member) up to this. */
export const MAX_ROLE_RANK = 999_999;

export interface RoleDef {
  readonly id: string;
  readonly name: string;
  readonly caps: number;
  readonly rank: number;
  readonly color: number;
}

export const ROLE_OWNER = 'owner';
export const ROLE_MOD = 'mod';
export const ROLE_MEMBER = 'member';

/** Predefined roles every room starts with. `owner` is held only by the creator and cannot be redefined. */
export const STATIC_ROLES: readonly RoleDef[] = [
  { id: ROLE_OWNER, name: 'Owner', caps: ALL_CAPS, rank: OWNER_RANK, color: 0xf1c40f },
  {
    id: ROLE_MOD,
    name: 'Moderator',
    caps: CAP.READ | CAP.SEND | CAP.INVITE | CAP.PIN | CAP.DELETE_MESSAGES | CAP.MUTE | CAP.KICK | CAP.BAN | CAP.MANAGE_KEYS,
    rank: 100,
    color: 0x3498db,
  },
  { id: ROLE_MEMBER, name: 'Member', caps: CAP.READ | CAP.SEND | CAP.INVITE, rank: 0, color: 0x99aab5 },
];
