/** Decoding an authority entry from the wire: frame -> canonical payload -> fields -> signature. */
import { open, type Signed } from '../codec/signed.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { type AuthorityEntry, entryCodec } from './entry.ts';

export const openEntry = (bytes: Uint8Array, crypto: CryptoPort): Signed<AuthorityEntry> => open(entryCodec, bytes, crypto);
