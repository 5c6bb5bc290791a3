/**
 * Runs before each page request: a fresh nonce and the Content-Security-Policy built with it. Next
 * reads the policy from the request headers and puts the nonce on its own inline scripts.
 */
import { type NextRequest, NextResponse } from 'next/server';
import { contentSecurityPolicy } from './lib/content-security-policy.ts';
import { portalConfig } from './lib/portal-config.ts';

export function proxy(request: NextRequest) {
  const nonce = btoa(crypto.randomUUID());
  const config = portalConfig();
  const csp = contentSecurityPolicy(nonce, config.bootstrap, process.env.NODE_ENV === 'development', config.indexer);
  const headers = new Headers(request.headers);
  headers.set('x-nonce', nonce);
  headers.set('Content-Security-Policy', csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('Content-Security-Policy', csp);
  return response;
}

export const config = {
  matcher: [
    {
      source: '/((?!_next/static|_next/image|icon.svg).*)',
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
};
