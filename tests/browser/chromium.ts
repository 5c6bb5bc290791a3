/**
 * How every browser suite starts Chromium: the system's Chromium (Debian's `chromium` package;
 * Playwright's own download is not used), headless, with the flags a test machine needs. If the
 * binary is missing the suite fails and says how to install it; it never skips.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type LaunchOptions } from '@playwright/test';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless=new',
  // Test machines and CI containers run as root, where Chromium's sandbox cannot start.
  '--no-sandbox',
  '--disable-gpu',
  // WebRTC between two pages of one machine (voice and transport suites).
  '--allow-loopback-in-peer-connection',
  '--disable-background-networking',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** The Chromium binary: $PARLEY_CHROMIUM, else /usr/bin/chromium. */
export const chromiumPath = (): string => process.env.PARLEY_CHROMIUM || DEFAULT_CHROMIUM;

export class ChromiumMissingError extends Error {
  readonly path: string;
  constructor(path: string) {
    super(
      `Chromium not found at ${path}. Browser suites need it: install it with \`apt-get install chromium\` ` +
        '(Debian/Ubuntu; .ci/run does this), or point PARLEY_CHROMIUM at a Chromium or Chrome binary.',
    );
    this.name = 'ChromiumMissingError';
    this.path = path;
  }
}

/** Launch options for Playwright's `chromium.launch` / `launchPersistentContext`; throws ChromiumMissingError if the binary is absent. */
export const chromiumLaunchOptions = (extraArgs: readonly string[] = []): LaunchOptions => {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) throw new ChromiumMissingError(executablePath);
  return { executablePath, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] };
};

/** A browser whose contexts are off the record (storage in memory): for pages that need no disk. */
export const launchChromium = (extraArgs: readonly string[] = []): Promise<Browser> => chromium.launch(chromiumLaunchOptions(extraArgs));

export interface PersistentChromium {
  readonly context: BrowserContext;
  /** Closes the browser and removes its profile directory. */
  close(): Promise<void>;
}

/**
 * A browser with a real on-disk profile in a fresh temporary directory: IndexedDB, quota and
 * reloads behave as in a person's browser. One context; pages on one origin share storage.
 */
export const launchPersistentChromium = async (extraArgs: readonly string[] = []): Promise<PersistentChromium> => {
  const options = chromiumLaunchOptions(extraArgs);
  const profile = mkdtempSync(join(tmpdir(), 'parley-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, options);
    return {
      context,
      async close() {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
};
