/**
 * The portal's Next.js configuration. The workspace packages are TypeScript sources whose imports
 * carry `.ts` extensions, so Next compiles them (`transpilePackages`); nothing is fetched at build
 * time (no remote fonts or images), so `next build` works offline.
 */
import type { NextConfig } from 'next';

const config: NextConfig = {
  transpilePackages: ['@parley/client', '@parley/net', '@parley/protocol', '@parley/store', '@parley/store-browser', '@parley/voice'],
  // Tests may build into their own directory, so a build running beside them does not overwrite theirs.
  distDir: process.env.PARLEY_WEB_DIST_DIR ?? '.next',
  reactStrictMode: true,
  poweredByHeader: false,
  images: { unoptimized: true },
  // `tsc -b` at the root type-checks this app with the rest of the repo; a second check here only costs build time.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Referrer-Policy', value: 'no-referrer' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
        ],
      },
    ];
  },
};

export default config;
