/**
 * A person's keys for one device: the account key, the device's signing and box keys, the account's
 * certificate for the device and a signed profile. Secrets are 32-byte seeds from the injected
 * random source. A device linked by a one-time code (see link/) holds the account's public key only:
 * the account secret never leaves the device(s) that hold it, so a revoked device cannot certify
 * itself again. `serializeIdentity` / `loadIdentity` are for tests, bots and services; the web app
 * keeps its keys in the browser's key storage instead.
 */
import {
  accountKeys,
  type CryptoPort,
  certifyDevice,
  type DeviceCert,
  type DeviceKeys,
  deviceKeys,
  exportRecoveryPhrase,
  fromHex,
  importRecoveryPhrase,
  type KeyPair,
  nobleCrypto,
  openDeviceCert,
  openProfile,
  type Profile,
  type RandomSource,
  type Signed,
  signProfile,
  toHex,
} from '@parley/protocol';
import { ClientError } from './errors.ts';

/** The account key as this device holds it: with its secret (the device that created or recovered it), or public only (a linked device). */
export interface AccountKey {
  readonly publicKey: Uint8Array;
  readonly secret?: Uint8Array | undefined;
}

export interface Identity {
  readonly account: AccountKey;
  readonly device: DeviceKeys;
  readonly cert: Signed<DeviceCert>;
  readonly profile: Signed<Profile>;
}

/** An identity made or recovered here: it holds the account secret. */
export type AccountHolder = Identity & { readonly account: KeyPair };

export interface CreateIdentityOptions {
  readonly displayName: string;
  /** Avatar colour 0xRRGGBB. */
  readonly color?: number;
  /** Default: crypto.getRandomValues. */
  readonly random?: RandomSource;
  /** Creation time (ms), also the profile version. Default Date.now(). */
  readonly now?: number;
  readonly crypto?: CryptoPort;
  /** Label in the device certificate. */
  readonly deviceLabel?: string;
  /** An existing account's 32-byte seed (a recovered account on a new device); random when absent. */
  readonly accountSeed?: Uint8Array;
}

const defaultRandom: RandomSource = (n) => globalThis.crypto.getRandomValues(new Uint8Array(n));

export const createIdentity = (o: CreateIdentityOptions): AccountHolder => {
  const random = o.random ?? defaultRandom;
  const crypto = o.crypto ?? nobleCrypto;
  const now = o.now ?? Date.now();
  const account = accountKeys(o.accountSeed ?? random(32), crypto);
  const device = deviceKeys(random(32), random(32), crypto);
  const cert = certifyDevice(account, device, now, crypto, o.deviceLabel);
  const profile = signProfile(
    { signer: device.sign.publicKey, account: account.publicKey, version: now, displayName: o.displayName, color: o.color ?? 0x5865f2 },
    device.sign.secret,
    crypto,
  );
  return { account, device, cert, profile };
};

/**
 * The identity with a new signed profile (name, colour). Its version is `now`, or one above the
 * current version if the clock is behind it, so the new profile always wins (highest version).
 */
export const withProfile = (id: Identity, p: { displayName: string; color: number }, now: number, crypto: CryptoPort = nobleCrypto): Identity => {
  const version = Math.max(now, id.profile.body.version + 1);
  const profile = signProfile(
    { signer: id.device.sign.publicKey, account: id.account.publicKey, version, displayName: p.displayName, color: p.color },
    id.device.sign.secret,
    crypto,
  );
  return { ...id, profile };
};

/**
 * This device does not hold the account's secret key (it was linked by a one-time code): it cannot
 * show the recovery phrase, link or certify further devices, or sign as the account. `action` names
 * what was refused.
 */
export class NoAccountKeyError extends ClientError {
  readonly action: string;
  constructor(action: string) {
    super(
      'no-account-key',
      `${action}: this device was linked to the account and does not hold the account key; do it on the device that created or recovered the account`,
    );
    this.name = 'NoAccountKeyError';
    this.action = action;
  }
}

/** Whether this device holds the account's secret key. */
export const holdsAccountKey = (id: Identity): boolean => id.account.secret !== undefined;

/** The account key pair, or NoAccountKeyError(action) on a linked device. */
export const accountKeyPair = (id: Identity, action: string): KeyPair => {
  const secret = id.account.secret;
  if (secret === undefined) throw new NoAccountKeyError(action);
  return { secret, publicKey: id.account.publicKey };
};

/** The account's 24-word recovery phrase (its secret seed): whoever reads it owns the account. NoAccountKeyError on a linked device. */
export const recoveryPhrase = (id: Identity): string => exportRecoveryPhrase(accountKeyPair(id, 'recovery phrase').secret);

/**
 * An identity for the account a recovery phrase holds, on a new device (fresh device keys, certified
 * by the recovered account key). Throws InvalidFieldError('recoveryPhrase') for a phrase that is not
 * 24 valid BIP39 words with a correct checksum.
 */
export const recoverIdentity = (phrase: string, o: Omit<CreateIdentityOptions, 'accountSeed'>): AccountHolder =>
  createIdentity({ ...o, accountSeed: importRecoveryPhrase(phrase) });

/** JSON with hex seeds and frames (`accountKey`, the public key alone, for a linked device). Holds secrets: store it like a private key. */
export const serializeIdentity = (id: Identity): string =>
  JSON.stringify({
    v: 1,
    ...(id.account.secret === undefined ? { accountKey: toHex(id.account.publicKey) } : { account: toHex(id.account.secret) }),
    sign: toHex(id.device.sign.secret),
    box: toHex(id.device.box.secret),
    cert: toHex(id.cert.bytes),
    profile: toHex(id.profile.bytes),
  });

export const loadIdentity = (serialized: string, crypto: CryptoPort = nobleCrypto): Identity => {
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(serialized) as Record<string, unknown>;
  } catch {
    throw new ClientError('invalid-identity', 'identity: not JSON');
  }
  const hex = (k: string): Uint8Array => {
    const v = j[k];
    if (typeof v !== 'string') throw new ClientError('invalid-identity', `identity.${k}: expected a hex string`);
    return fromHex(v);
  };
  if (j.v !== 1) throw new ClientError('invalid-identity', 'identity.v: unknown version');
  const account: AccountKey = typeof j.account === 'string' ? accountKeys(hex('account'), crypto) : { publicKey: hex('accountKey') };
  if (account.publicKey.length !== 32) throw new ClientError('invalid-identity', 'identity.accountKey: expected 32 bytes');
  const device = deviceKeys(hex('sign'), hex('box'), crypto);
  const cert = openDeviceCert(hex('cert'), crypto);
  if (toHex(cert.body.account) !== toHex(account.publicKey)) throw new ClientError('invalid-identity', 'identity.cert: certifies another account');
  if (toHex(cert.body.device) !== toHex(device.sign.publicKey) || toHex(cert.body.boxKey) !== toHex(device.box.publicKey))
    throw new ClientError('invalid-identity', 'identity.cert: certifies other device keys');
  const profile = openProfile(hex('profile'), crypto, (d) => (toHex(d) === toHex(device.sign.publicKey) ? cert.body : undefined));
  return { account, device, cert, profile };
};
