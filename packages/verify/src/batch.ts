/**
 * The wire between the pool and its workers: a batch of signature checks packed into one transferable
 * buffer, and one result byte per check.
 *
 *   batch  = u32 count | count x ( u32 messageLength | publicKey(32) | signature(64) | message )
 *   result = count bytes, 1 = valid, 0 = invalid
 */
import type { SignatureCheck } from '@parley/protocol';

export const packBatch = (checks: readonly SignatureCheck[]): ArrayBuffer => {
  let size = 4;
  for (const c of checks) size += 4 + 32 + 64 + c.message.length;
  const buf = new ArrayBuffer(size);
  const view = new DataView(buf);
  const bytes = new Uint8Array(buf);
  view.setUint32(0, checks.length);
  let o = 4;
  for (const c of checks) {
    view.setUint32(o, c.message.length);
    o += 4;
    // Malformed keys or signatures are padded/truncated here and fail verification in the worker.
    bytes.set(c.publicKey.subarray(0, 32), o);
    bytes.set(c.signature.subarray(0, 64), o + 32);
    o += 96;
    bytes.set(c.message, o);
    o += c.message.length;
  }
  return buf;
};

/** Verifies a packed batch with `verify`; used by both worker entry points. */
export const verifyBatch = (buf: ArrayBuffer, verify: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean): Uint8Array => {
  const view = new DataView(buf);
  const bytes = new Uint8Array(buf);
  const count = view.getUint32(0);
  const out = new Uint8Array(count);
  let o = 4;
  for (let i = 0; i < count; i++) {
    const len = view.getUint32(o);
    o += 4;
    const pk = bytes.subarray(o, o + 32);
    const sig = bytes.subarray(o + 32, o + 96);
    o += 96;
    out[i] = verify(pk, bytes.subarray(o, o + len), sig) ? 1 : 0;
    o += len;
  }
  return out;
};
