'use client';
/**
 * The page's only door to peer-to-peer code: the app is loaded in the browser alone
 * (`ssr: false`), so the server build never pulls libp2p.
 */
import dynamic from 'next/dynamic';
import { useEffect } from 'react';
import { perfMark } from '../lib/perf-marks.ts';
import type { PortalConfig } from '../lib/portal-config.ts';
import { Splash } from './splash.tsx';

const ParleyApp = dynamic(() => import('./parley-app.tsx'), { ssr: false, loading: () => <Splash text="Loading Parley…" /> });

export const PortalApp = ({
  config,
  joinFromFragment = false,
  linkFromFragment = false,
}: {
  config: PortalConfig;
  joinFromFragment?: boolean;
  linkFromFragment?: boolean;
}) => {
  useEffect(() => perfMark('hydrated'), []);
  return <ParleyApp config={config} joinFromFragment={joinFromFragment} linkFromFragment={linkFromFragment} />;
};
