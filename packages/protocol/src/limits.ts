/**
 * Every size and count limit of the protocol, checked before allocation. docs/LIMITS.md lists the
 * same numbers with their reasons; a test keeps the two in step.
 */
export const LIMITS = {
  /** Whole signed frame (header + payload + signature). */
  maxFrameBytes: 256 * 1024,
  /** Encrypted message body inside an envelope. */
  maxCiphertextBytes: 128 * 1024,
  /** Authority entry payload. */
  maxEntryBytes: 64 * 1024,
  /** Entries an entry may name as previous heads. */
  maxPrevs: 16,
  /** Authority heads an envelope may reference. */
  maxAuthHeads: 16,
  /** Cut-off rows in one BAN / REVOKE / KICK / MUTE / ACL / REVOKE_DEVICE entry. */
  maxCutoffs: 4096,
  /** Depth of nested CBOR arrays/maps. */
  maxCborDepth: 8,
  /** Items in any CBOR array or map. */
  maxCborItems: 8192,
  /** Display names, role names, channel names, room names (UTF-8 bytes). */
  maxNameBytes: 96,
  /** Channel topic, room description, ban reason (UTF-8 bytes). */
  maxTextBytes: 1024,
  /** Role id string (UTF-8 bytes). */
  maxRoleIdBytes: 32,
  /** Roles in one room. */
  maxRoles: 250,
  /** Channels in one room. */
  maxChannels: 500,
  /** Roles or accounts named in one channel ACL. */
  maxAclEntries: 512,
  /** Recipients of one epoch key bundle (devices). */
  maxBundleRecipients: 2500,
  /** Epoch keys in one key share. */
  maxSharedKeys: 1024,
  /** Hubs pinned in a policy; addresses in an invite or presence record. */
  maxHubs: 16,
  maxAddrs: 16,
  maxAddrBytes: 256,
  /** Tags on one listing, and one tag path's length. */
  maxTags: 8,
  maxTagBytes: 64,
  /** Invite URL length (characters). */
  maxInviteUrlChars: 4096,
  /** Message text (UTF-8 bytes), mentions, and reaction emoji inside an envelope's content. */
  maxBodyBytes: 64 * 1024,
  maxMentions: 100,
  maxEmojiBytes: 64,
  /** A whole encoded content map: body + mentions + reply-to + one file reference (thumbnail included) + CBOR overhead. */
  maxContentBytes: 86_000,
  /** One set-reconciliation message, its ranges, and ids listed in one range. */
  maxReconcileBytes: 64 * 1024,
  maxReconcileRanges: 1024,
  maxReconcileIds: 1024,
  /** Sequence numbers and Lamport clocks stay exact JavaScript integers. */
  maxCounter: Number.MAX_SAFE_INTEGER,
  /** Private-room key material carried in an invite URL fragment. */
  maxInviteKeyBytes: 1024,
  /** A libp2p peer id string in a presence record. */
  maxPeerIdBytes: 128,
  /** A listing's language tag (BCP 47-ish). */
  maxLanguageBytes: 16,
  /** Segments in one tag path (`a/b/c/d`). */
  maxTagSegments: 4,
  /** Lifetime (expiry - issue time) of a presence record or a listing: 24 hours. */
  maxRecordTtlMs: 24 * 60 * 60 * 1000,
  /** How far in the future an issue time may lie (clock skew between peers): 5 minutes. */
  maxClockSkewMs: 5 * 60 * 1000,
  /** Listings kept in one tag key's DHT record. */
  maxTagListings: 32,
  /** Plaintext bytes per file chunk (the last chunk of a file may be shorter); fixed, not negotiable. */
  fileChunkBytes: 256 * 1024,
  /** One shared file (2 GiB = 8,192 chunks). */
  maxFileBytes: 2 * 1024 * 1024 * 1024,
  /** A file's name and media type in its reference (UTF-8 bytes). */
  maxFileNameBytes: 255,
  maxFileTypes: 32,
  maxFileTypeBytes: 64,
  maxMediaTypeBytes: 127,
  /** The preview image carried inside a file reference. */
  maxThumbnailBytes: 16 * 1024,
  /** A direct message's text (UTF-8 bytes; PROTOCOL 13). */
  maxDirectTextBytes: 4000,
  /** Devices one direct envelope is encrypted to (the recipient account's, or the sender's other ones). */
  maxDirectDevices: 24,
  /** One device's ratchet ciphertext in a direct envelope: the largest plaintext map plus its 16-byte tag. */
  maxDirectCiphertextBytes: 4160,
  /** A persisted ratchet session (its skipped-message keys included). */
  maxRatchetStateBytes: 96 * 1024,
} as const;

export type Limits = typeof LIMITS;
