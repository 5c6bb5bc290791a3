/**
 * The voice suite's harness: a room made by a Node member (alice: the pages' bootstrap peer and
 * their gossip relay; she validates and relays voice signals like any member or hub), a tone file
 * for Chromium's fake microphone (@parley/tests/browser), the bundled page and frame worker, and one browser context per person.
 */
import { fileURLToPath } from 'node:url';
import { createIdentity, ParleyClient } from '@parley/client';
import { nodeCrypto } from '@parley/protocol/crypto-node';
import { MemoryStore } from '@parley/store';
import { bundleForBrowser, fakeMicrophoneArgs, launchChromium, type StaticServer, startStaticServer, testPageHtml } from '@parley/tests/browser';
import type { Browser, Page } from '@playwright/test';
import type { VoiceApi } from './voice.browser.ts';

type Call = <K extends keyof VoiceApi>(page: Page, fn: K, ...args: Parameters<VoiceApi[K]>) => Promise<Awaited<ReturnType<VoiceApi[K]>>>;
/** Calls the page's voice API; a call that has not returned after 150 s fails, naming itself (a page that stopped answering). */
export const call: Call = (page, fn, ...args) => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`page call ${String(fn)} did not return in 150 s`)), 150_000);
  });
  const run = page.evaluate(
    ([f, a]) => {
      const api = (globalThis as unknown as { parleyVoice: Record<string, (...x: unknown[]) => unknown> }).parleyVoice;
      return (api[f as string] as (...x: unknown[]) => unknown)(...(a as unknown[]));
    },
    [fn, args] as const,
  );
  return Promise.race([run, timeout]).finally(() => clearTimeout(timer)) as never;
};

export interface VoiceRoom {
  readonly alice: ParleyClient;
  readonly room: Uint8Array;
  readonly channel: Uint8Array;
  readonly server: StaticServer;
  readonly browser: Browser;
  invite(): string;
  open(name: string): Promise<Page>;
  close(): Promise<void>;
}

export const voiceRoom = async (): Promise<VoiceRoom> => {
  const alice = await ParleyClient.create({
    identity: createIdentity({ displayName: 'alice', crypto: nodeCrypto }),
    store: new MemoryStore(),
    crypto: nodeCrypto,
    syncIntervalMs: 1000,
    keyDelayMs: 100,
    directory: false,
    node: { listen: ['/ip4/127.0.0.1/tcp/0/ws'], dhtMode: 'server', testMode: true, iceServers: [] },
  });
  const room = await alice.createRoom({ name: 'Voice room', channels: ['general'] });
  const channel = await alice.createChannel(room, 'Lounge', { kind: 'voice' });
  const js = await bundleForBrowser(fileURLToPath(new URL('./voice.browser.ts', import.meta.url)));
  // The engine starts its frame worker from `new URL('./frame-worker.ts', import.meta.url)`, which esbuild leaves as it is: next to /voice.js.
  const worker = await bundleForBrowser(fileURLToPath(new URL('../../src/frame-worker.ts', import.meta.url)));
  const server = await startStaticServer({
    '/index.html': { body: testPageHtml('voice.js', 'parley voice') },
    '/voice.js': { body: js },
    '/frame-worker.ts': { body: worker, type: 'text/javascript' },
  });
  const browser = await launchChromium(fakeMicrophoneArgs());
  return {
    alice,
    room,
    channel,
    server,
    browser,
    invite: () => alice.createInvite(room, { maxUses: 50 }),
    async open(name) {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      page.on('pageerror', (e) => process.stderr.write(`[${name}] uncaught: ${e.stack ?? e.message}\n`));
      page.on('crash', () => process.stderr.write(`[${name}] the page crashed\n`));
      page.on('close', () => process.stderr.write(`[${name}] the page closed\n`));
      page.on('console', (m) => {
        if (m.type() === 'error') process.stderr.write(`[${name}] ${m.text()}\n`);
      });
      await page.goto(`${server.origin}/`);
      await page.waitForFunction(() => 'parleyVoice' in globalThis);
      return page;
    },
    async close() {
      await browser.close().catch(() => undefined);
      await server.close();
      await alice.close();
    },
  };
};

/** Retries `fn` until it returns something other than undefined/false; fails with the last value after `timeoutMs`. */
export const eventually = async <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs: number, intervalMs = 100): Promise<T> => {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
      last = v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`eventually(${what}): timed out after ${timeoutMs} ms; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
};
