/** room_id = H("parley/v1/room" || creator account key || UTF-8(name) || nonce(16)). */
import { concat, utf8 } from '../bytes.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { InvalidFieldError } from '../errors.ts';

const DOMAIN = utf8('parley/v1/room');

export const roomIdOf = (creator: Uint8Array, name: string, nonce: Uint8Array, crypto: CryptoPort): Uint8Array => {
  if (creator.length !== 32) throw new InvalidFieldError('creator', 'expected 32 bytes');
  if (nonce.length !== 16) throw new InvalidFieldError('nonce', 'expected 16 bytes');
  return crypto.sha256(concat(DOMAIN, creator, utf8(name), nonce));
};
