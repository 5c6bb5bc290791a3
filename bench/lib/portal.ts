/**
 * The portal for browser benchmarks, with the web suite's own harness: a real parley-hub process on
 * PGlite, the production Next build (in its own dist dir, so a test run's build is left alone) under
 * `next start`, and Debian's Chromium.
 */
import { randomBytes } from 'node:crypto';
import { createIdentity, ParleyClient } from '@parley/client';
import { nodeCrypto } from '@parley/protocol/crypto-node';
import { MemoryStore } from '@parley/store';
import type { Browser } from '@playwright/test';
import type { HubProcess } from '../../apps/web/test/harness/hub-process.ts';
import type { NextApp } from '../../apps/web/test/harness/next-app.ts';
import { launchChromium } from '../../tests/browser/chromium.ts';

export interface Portal {
  readonly hub: HubProcess;
  readonly app: NextApp;
  readonly browser: Browser;
  stop(): Promise<void>;
}

/** Builds the portal (once per `npm run bench`), starts a hub and `next start`, launches Chromium. */
export const startPortal = async (): Promise<Portal> => {
  // Under `npm test` the runner built the portal already (PARLEY_WEB_REUSE_BUILD=1) and it is used as is.
  if (process.env.PARLEY_WEB_REUSE_BUILD !== '1') process.env.PARLEY_WEB_DIST_DIR ??= '.next-bench';
  // Imported after the dist dir is set: the harness reads it when loaded.
  const { buildApp, startApp } = await import('../../apps/web/test/harness/next-app.ts');
  const { startHub } = await import('../../apps/web/test/harness/hub-process.ts');
  await buildApp();
  const hub = await startHub();
  const app = await startApp(hub.bootstrap).catch(async (e: unknown) => {
    await hub.stop();
    throw e;
  });
  const browser = await launchChromium();
  return {
    hub,
    app,
    browser,
    async stop() {
      await browser.close().catch(() => undefined);
      await app.stop();
      await hub.stop();
    },
  };
};

/** A Node member (the SDK on its own libp2p node, memory store) whose invites point at the portal. */
export const nodeMember = (name: string, bootstrap: string, inviteOrigin: string): Promise<ParleyClient> =>
  ParleyClient.create({
    identity: createIdentity({ displayName: name, random: (n) => randomBytes(n), crypto: nodeCrypto, now: Date.now() }),
    store: new MemoryStore(),
    crypto: nodeCrypto,
    random: (n) => randomBytes(n),
    inviteOrigin,
    directory: false,
    node: { listen: ['/ip4/127.0.0.1/tcp/0/ws'], dhtMode: 'client', testMode: true, iceServers: [], bootstrap: [bootstrap] },
  });

/** Polls `fn` until it holds; throws after `timeoutMs`. */
export const until = async (what: string, fn: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
