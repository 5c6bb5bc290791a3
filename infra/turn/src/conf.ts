/**
 * turnserver.conf from a checked TurnConfig: coturn's shared-secret ("TURN REST API") mode, which
 * the hub's minted credentials satisfy (username `<expiry>:<peer id>`, password
 * base64(HMAC-SHA1(secret, username))). A production relay refuses to relay into private and
 * loopback ranges, so it cannot be used as a door into the operator's network; the loopback mode
 * for tests does the opposite and nothing else.
 */
import type { TurnConfig } from './config.ts';

const PRIVATE_RANGES = [
  '0.0.0.0-0.255.255.255',
  '10.0.0.0-10.255.255.255',
  '100.64.0.0-100.127.255.255',
  '127.0.0.0-127.255.255.255',
  '169.254.0.0-169.254.255.255',
  '172.16.0.0-172.31.255.255',
  '192.168.0.0-192.168.255.255',
  '::1',
  'fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
  'fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
];

export const turnserverConf = (c: TurnConfig, o: { maskSecret?: boolean } = {}): string => {
  const lines: string[] = ['# Written by parley-turn (infra/turn); regenerated on every start: edit the flags, not this file.'];
  const listen = c.loopback ? ['127.0.0.1'] : c.listenIps;
  const relay = c.loopback ? ['127.0.0.1'] : c.relayIps;
  for (const ip of listen) lines.push(`listening-ip=${ip}`);
  for (const ip of relay) lines.push(`relay-ip=${ip}`);
  if (c.externalIp !== undefined) lines.push(`external-ip=${c.externalIp}`);
  lines.push(`listening-port=${c.port}`);
  lines.push(`min-port=${c.minPort}`, `max-port=${c.maxPort}`);
  lines.push('fingerprint', 'use-auth-secret', `static-auth-secret=${o.maskSecret === true ? '********' : c.secret}`, `realm=${c.realm}`);
  lines.push(`user-quota=${c.userQuota}`, `total-quota=${c.totalQuota}`);
  lines.push('no-cli', 'no-multicast-peers', 'simple-log', 'log-file=stdout');
  if (c.cert !== undefined && c.pkey !== undefined) lines.push(`tls-listening-port=${c.tlsPort}`, `cert=${c.cert}`, `pkey=${c.pkey}`, 'no-tlsv1', 'no-tlsv1_1');
  else lines.push('no-tls', 'no-dtls');
  if (c.loopback) lines.push('allow-loopback-peers');
  else for (const r of PRIVATE_RANGES) lines.push(`denied-peer-ip=${r}`);
  return `${lines.join('\n')}\n`;
};
