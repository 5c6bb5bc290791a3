/** Object type codes (frame byte 1) and their signature domain names. */
export const OBJECT_TYPES = {
  DEVICE_CERT: 0x01,
  PROFILE: 0x02,
  AUTHORITY_ENTRY: 0x10,
  ENVELOPE: 0x20,
  EPOCH_BUNDLE: 0x30,
  KEY_SHARE: 0x31,
  INVITE_TOKEN: 0x40,
  PRESENCE: 0x50,
  LISTING: 0x51,
  VOTE: 0x52,
  VOICE_SIGNAL: 0x60,
} as const;

export type ObjectTypeName = keyof typeof OBJECT_TYPES;
export type ObjectTypeCode = (typeof OBJECT_TYPES)[ObjectTypeName];

const byCode = new Map<number, ObjectTypeName>(Object.entries(OBJECT_TYPES).map(([k, v]) => [v, k as ObjectTypeName]));

export const typeName = (code: number): ObjectTypeName | undefined => byCode.get(code);
