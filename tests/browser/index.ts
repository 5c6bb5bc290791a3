/**
 * @parley/tests/browser — the shared harness for suites that run in a real browser: the system
 * Chromium with the project's flags (failing loudly when it is missing), a static server on
 * 127.0.0.1, esbuild bundles of node:test suites with browser shims, and the mirroring that turns
 * each browser test into a real node:test test.
 *
 * @example
 * ```ts
 * import { bundleForBrowser, launchPersistentChromium, listBrowserTests, mirrorBrowserTests,
 *   openTestPage, runBrowserTest, startStaticServer, testPageHtml } from '@parley/tests/browser';
 * const server = await startStaticServer({
 *   '/index.html': { body: testPageHtml('tests.js') },
 *   '/tests.js': { body: await bundleForBrowser('test/browser/my-suite.browser.ts') },
 * });
 * const browser = await launchPersistentChromium();
 * const page = await openTestPage(browser.context, `${server.origin}/`);
 * mirrorBrowserTests(await listBrowserTests(page), (i) => runBrowserTest(page, i));
 * after(async () => { await browser.close(); await server.close(); });
 * ```
 */
export * from './bundle.ts';
export * from './chromium.ts';
export * from './fake-audio.ts';
export * from './mirror.ts';
export type { ListedTest, TestResult } from './shims/node-test.ts';
export * from './static-server.ts';
export * from './storage-quota.ts';
