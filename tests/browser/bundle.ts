/**
 * Bundles test code for a page with esbuild, in memory: `node:test` and `node:assert/strict` become
 * the browser shims beside this file, so a suite written for node:test (such as the store
 * compliance suite) runs unchanged in Chromium. Any other `node:` import fails the build, naming
 * the importer: browser code must not reach for Node.
 */
import { build, type Plugin } from 'esbuild';

const SHIMS: Record<string, string> = {
  'node:test': new URL('./shims/node-test.ts', import.meta.url).pathname,
  'node:assert/strict': new URL('./shims/node-assert.ts', import.meta.url).pathname,
};

const nodeShims: Plugin = {
  name: 'parley-node-shims',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => {
      const shim = SHIMS[args.path];
      if (shim !== undefined) return { path: shim };
      const hint = args.path === 'node:assert' ? ' (import node:assert/strict instead)' : '';
      return { errors: [{ text: `${args.path} has no browser shim${hint}; imported by ${args.importer}` }] };
    });
  },
};

export interface BundleOptions {
  /** Extra esbuild `define`s, e.g. `{ 'process.env.NODE_ENV': '"test"' }`. */
  readonly define?: Record<string, string>;
}

/** One ES module (as text) holding `entry` and everything it imports, node:test and node:assert shimmed. */
export const bundleForBrowser = async (entry: string, options: BundleOptions = {}): Promise<string> => {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    // Readable class and function names in stacks and failure messages.
    keepNames: true,
    logLevel: 'silent',
    define: options.define ?? {},
    plugins: [nodeShims],
  });
  const out = result.outputFiles[0];
  if (out === undefined) throw new Error(`esbuild produced no output for ${entry}`);
  return out.text;
};

/** A minimal page that loads `/<script>` as a module. */
export const testPageHtml = (script: string, title = 'parley browser tests'): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><script type="module" src="/${script}"></script></body></html>`;
