'use client';
/**
 * The screens, in order: profile (step 1), join or start a community (step 2), the room (step 3);
 * Discover from step 2 or the rail. Only the profile step is in this chunk: the others and the
 * client code (libp2p, noble) load in the background once it shows, so a new person sees the form
 * without waiting for them.
 */
import dynamic from 'next/dynamic';
import { useEffect, useState } from 'react';
import { ParleyProvider, useParley } from '../lib/parley/provider.tsx';
import { VoiceProvider } from '../lib/parley/voice.tsx';
import { perfMark } from '../lib/perf-marks.ts';
import type { PortalConfig } from '../lib/portal-config.ts';
import { ProfileStep } from './onboarding/profile-step.tsx';
import { Splash } from './splash.tsx';

const loadLater = () => import('./later-screens.ts');
const CommunityStep = dynamic(() => loadLater().then((m) => m.CommunityStep), { ssr: false, loading: () => <Splash text="Loading Parley…" /> });
const JoinFromLink = dynamic(() => loadLater().then((m) => m.JoinFromLink), { ssr: false, loading: () => <Splash text="Loading Parley…" /> });
const DiscoverScreen = dynamic(() => loadLater().then((m) => m.DiscoverScreen), { ssr: false, loading: () => <Splash text="Loading Parley…" /> });
const RoomScreen = dynamic(() => loadLater().then((m) => m.RoomScreen), { ssr: false, loading: () => <Splash text="Loading Parley…" /> });
const SettingsScreen = dynamic(() => loadLater().then((m) => m.SettingsScreen), { ssr: false, loading: () => <Splash text="Loading Parley…" /> });

const Screens = ({ joinFromFragment }: { joinFromFragment: boolean }) => {
  const p = useParley();
  // Read once: the fragment is dropped from the address bar after joining.
  const [inviteUrl, setInviteUrl] = useState<string | undefined>(undefined);
  const [current, setCurrent] = useState<string | undefined>(undefined);
  const [adding, setAdding] = useState(false);
  const [settings, setSettings] = useState(false);
  const [discover, setDiscover] = useState(false);
  useEffect(() => {
    if (joinFromFragment && globalThis.location.hash.length > 1) setInviteUrl(globalThis.location.href);
  }, [joinFromFragment]);

  const enter = (hex: string) => {
    setCurrent(hex);
    setAdding(false);
    setDiscover(false);
    setInviteUrl(undefined);
    if (globalThis.location.pathname !== '/') globalThis.history.replaceState(null, '', '/');
  };

  if (p.phase === 'loading') return <Splash text="Loading Parley…" />;
  if (p.phase === 'profile') return <ProfileStep />;
  if (p.phase === 'other-tab') return <Splash text="Parley is already open in another tab of this browser. Use that tab, or close it and reload this one." />;
  if (p.phase === 'error') return <Splash error text={`Parley could not start: ${p.error ?? 'unknown error'}`} />;
  if (inviteUrl !== undefined) return <JoinFromLink url={inviteUrl} onJoined={enter} onCancel={() => enter(current ?? '')} />;
  if (p.phase === 'connecting') return <Splash text="Connecting…" />;
  if (settings) return <SettingsScreen onClose={() => setSettings(false)} />;
  if (discover) return <DiscoverScreen onEntered={enter} onClose={() => setDiscover(false)} />;
  const room = p.rooms.find((r) => r.hex === current) ?? p.rooms[0];
  if (adding || room === undefined)
    return <CommunityStep onEntered={enter} onDiscover={() => setDiscover(true)} onBack={room === undefined ? undefined : () => setAdding(false)} />;
  return (
    <RoomScreen
      room={room}
      onSelectRoom={enter}
      onAddRoom={() => setAdding(true)}
      onOpenSettings={() => setSettings(true)}
      onDiscover={() => setDiscover(true)}
    />
  );
};

export default function ParleyApp({ config, joinFromFragment }: { config: PortalConfig; joinFromFragment: boolean }) {
  useEffect(() => {
    perfMark('app-loaded');
    // Asked for now, so the next screen is ready when the first is done.
    void loadLater();
  }, []);
  return (
    <ParleyProvider config={config}>
      <VoiceProvider>
        <Screens joinFromFragment={joinFromFragment} />
      </VoiceProvider>
    </ParleyProvider>
  );
}
