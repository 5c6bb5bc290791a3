/**
 * Device certificate ("device allowed" statement): the account key signs a device's Ed25519 and
 * X25519 public keys. Payload: { a: account key (signer), d: device key, x: device X25519 key,
 * t: creation time ms, n?: label }.
 */
import type { CborMap } from '../codec/cbor.ts';
import { compact, onlyKeys, optText, reqBytes, reqUint } from '../codec/fields.ts';
import { type BodyCodec, open, type Signed, sign } from '../codec/signed.ts';
import type { CryptoPort } from '../crypto/port.ts';
import { LIMITS } from '../limits.ts';
import type { DeviceKeys, KeyPair } from './keys.ts';

export interface DeviceCert {
  readonly account: Uint8Array;
  readonly device: Uint8Array;
  readonly boxKey: Uint8Array;
  readonly createdAt: number;
  readonly label?: string | undefined;
}

export const deviceCertCodec: BodyCodec<DeviceCert> = {
  type: 'DEVICE_CERT',
  maxPayload: 512,
  write: (c) => compact({ a: c.account, d: c.device, x: c.boxKey, t: c.createdAt, n: c.label }),
  read: (m: CborMap, f: string) => {
    onlyKeys(m, ['a', 'd', 'x', 't', 'n'], f);
    return {
      account: reqBytes(m, 'a', f, 32),
      device: reqBytes(m, 'd', f, 32),
      boxKey: reqBytes(m, 'x', f, 32),
      createdAt: reqUint(m, 't', f),
      label: optText(m, 'n', f, LIMITS.maxNameBytes),
    };
  },
  signer: (c) => c.account,
};

export const certifyDevice = (account: KeyPair, device: DeviceKeys, createdAt: number, crypto: CryptoPort, label?: string): Signed<DeviceCert> =>
  sign(deviceCertCodec, { account: account.publicKey, device: device.sign.publicKey, boxKey: device.box.publicKey, createdAt, label }, account.secret, crypto);

export const openDeviceCert = (bytes: Uint8Array, crypto: CryptoPort): Signed<DeviceCert> => open(deviceCertCodec, bytes, crypto);
