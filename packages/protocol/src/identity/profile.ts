/**
 * Signed, replaceable profile: { a: signing device (or the account key itself), u: account,
 * v: version (monotonic, e.g. ms time), n: display name, c: avatar colour 0xRRGGBB }.
 * The profile with the highest version wins; equal versions are broken by the lower object id.
 */
import { compare, equals } from '../bytes.ts';
import type { CborMap } from '../codec/cbor.ts';
import { onlyKeys, reqBytes, reqText, reqUint } from '../codec/fields.ts';
import { type BodyCodec, open, type Signed, sign } from '../codec/signed.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { InvalidFieldError, UnauthorizedError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import type { DeviceCert } from './device-cert.ts';

export interface Profile {
  readonly signer: Uint8Array;
  readonly account: Uint8Array;
  readonly version: number;
  readonly displayName: string;
  readonly color: number;
}

export const profileCodec: BodyCodec<Profile> = {
  type: 'PROFILE',
  maxPayload: 512,
  write: (p) => ({ a: p.signer, u: p.account, v: p.version, n: p.displayName, c: p.color }),
  read: (m: CborMap, f: string) => {
    onlyKeys(m, ['a', 'u', 'v', 'n', 'c'], f);
    const displayName = reqText(m, 'n', f, LIMITS.maxNameBytes);
    if (displayName.trim().length === 0) throw new InvalidFieldError(`${f}.n`, 'display name is empty');
    return {
      signer: reqBytes(m, 'a', f, 32),
      account: reqBytes(m, 'u', f, 32),
      version: reqUint(m, 'v', f),
      displayName,
      color: reqUint(m, 'c', f, 0xffffff),
    };
  },
  signer: (p) => p.signer,
};

export const signProfile = (profile: Profile, secret: Uint8Array, crypto: CryptoPort): Signed<Profile> => sign(profileCodec, profile, secret, crypto);

/**
 * Opens a profile and checks that its signer speaks for the account: either the account key itself or
 * a device whose certificate (already verified) names that account.
 */
export const openProfile = (bytes: Uint8Array, crypto: CryptoPort, certOf: (device: Uint8Array) => DeviceCert | undefined): Signed<Profile> => {
  const p = open(profileCodec, bytes, crypto);
  if (!equals(p.body.signer, p.body.account)) {
    const cert = certOf(p.body.signer);
    if (cert === undefined || !equals(cert.account, p.body.account))
      throw new UnauthorizedError('profile.signer', 'signer is not a certified device of the account');
  }
  return p;
};

/** The winning profile among replacements: highest version, then lowest id. */
export const latestProfile = (a: Signed<Profile>, b: Signed<Profile>): Signed<Profile> => {
  if (a.body.version !== b.body.version) return a.body.version > b.body.version ? a : b;
  return compare(a.id, b.id) <= 0 ? a : b;
};
