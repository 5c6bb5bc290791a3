/**
 * The crypto port: the only primitives the protocol core calls. Two implementations pass the same
 * tests: `nobleCrypto` (pure JS, runs anywhere) and `nodeCrypto` (Node's built-in crypto, about 12x
 * faster Ed25519 verification; exported from `@parley/protocol/crypto-node`). Randomness is not
 * part of the port: callers pass random bytes in, so every rule is reproducible from a seed.
 */
export interface CryptoPort {
  readonly name: string;
  sha256(data: Uint8Array): Uint8Array;
  /** Ed25519 public key from a 32-byte secret seed. */
  ed25519PublicKey(secret: Uint8Array): Uint8Array;
  ed25519Sign(secret: Uint8Array, message: Uint8Array): Uint8Array;
  /** RFC 8032 verification; never throws on malformed keys or signatures, returns false. */
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  x25519PublicKey(secret: Uint8Array): Uint8Array;
  /** X25519 shared secret; throws on a low-order public key (all-zero result). */
  x25519Shared(secret: Uint8Array, publicKey: Uint8Array): Uint8Array;
  /**
   * ChaCha20-Poly1305 (RFC 8439, 12-byte nonce): returns ciphertext || 16-byte tag. Optional: file
   * chunks use it when present (OpenSSL is about 5x faster than pure JS) and noble otherwise.
   */
  chacha20Poly1305Encrypt?(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** The inverse; throws (any error) when the tag does not verify. */
  chacha20Poly1305Decrypt?(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array;
}

/** A function returning `n` random bytes (crypto.getRandomValues in production, a seeded PRNG in tests). */
export type RandomSource = (n: number) => Uint8Array;
