'use client';
/**
 * The screens, in order: profile (step 1), join or start a community (step 2), the room (step 3);
 * Discover from step 2 or the rail. Only the profile step is in this chunk: the others and the
 * client code (libp2p, noble) load in the background once it shows, so a new person sees the form
 * without waiting for them.
 */
import dynamic from 'next/dynamic';
import { type ReactNode, useEffect, useState } from 'react';
import { ParleyProvider, useParley } from '../lib/parley/provider.tsx';
import { VoiceProvider } from '../lib/parley/voice.tsx';
import { perfMark } from '../lib/perf-marks.ts';
import type { PortalConfig } from '../lib/portal-config.ts';
import { ProfileStep } from './onboarding/profile-step.tsx';
import { Splash } from './splash.tsx';

const loadLater = () => import('./later-screens.ts');
const CommunityStep = dynamic(() => loadLater().then((m) => m.CommunityStep), { ssr: false, loading: () => <Splash text="Loading Parley…" /> });
const JoinFromLink = dynamic(() => loadLater().then((m) => m.JoinFromLink), { ssr: false, loading: () => <Splash text="Loading Parley…" /> });
const LinkFromCode = dynamic(() => loadLater().then((m) => m.LinkFromCode), { ssr: false, loading: () => <Splash text="Loading Parley…" /> });
const DiscoverScreen = dynamic(() => loadLater().then((m) => m.DiscoverScreen), { ssr: false, loading: () => <Splash text="Loading Parley…" /> });
const RoomScreen = dynamic(() => loadLater().then((m) => m.RoomScreen), { ssr: false, loading: () => <Splash text="Loading Parley…" /> });
const SettingsScreen = dynamic(() => loadLater().then((m) => m.SettingsScreen), { ssr: false, loading: () => <Splash text="Loading Parley…" /> });

const Screens = ({ joinFromFragment, linkFromFragment }: { joinFromFragment: boolean; linkFromFragment: boolean }) => {
  const p = useParley();
  // Read once: the fragment is dropped from the address bar after joining.
  const [inviteUrl, setInviteUrl] = useState<string | undefined>(undefined);
  const [current, setCurrent] = useState<string | undefined>(undefined);
  const [adding, setAdding] = useState(false);
  const [settings, setSettings] = useState(false);
  const [discover, setDiscover] = useState(false);
  // `/link`: the code in the fragment (or pasted), until this browser is linked or the person cancels.
  const [linkCode, setLinkCode] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (joinFromFragment && globalThis.location.hash.length > 1) setInviteUrl(globalThis.location.href);
    if (linkFromFragment) setLinkCode(globalThis.location.hash.length > 1 ? globalThis.location.href : '');
  }, [joinFromFragment, linkFromFragment]);

  const enter = (hex: string) => {
    setCurrent(hex);
    setAdding(false);
    setDiscover(false);
    setInviteUrl(undefined);
    if (globalThis.location.pathname !== '/') globalThis.history.replaceState(null, '', '/');
  };

  const leaveLink = () => {
    setLinkCode(undefined);
    if (globalThis.location.pathname !== '/') globalThis.history.replaceState(null, '', '/');
  };

  if (p.phase === 'loading') return <Splash text="Loading Parley…" />;
  if (linkCode !== undefined && p.phase !== 'error') return <LinkFromCode initial={linkCode} onLinked={leaveLink} onCancel={leaveLink} />;
  if (p.phase === 'profile') return <ProfileStep />;
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

/** In a follower tab (another tab runs Parley), a bar above the screens says so and offers to move Parley here. */
const TabFrame = ({ children }: { children: ReactNode }) => {
  const p = useParley();
  const [asked, setAsked] = useState(false);
  if (!p.follower) return children;
  return (
    <div className="flex h-full flex-col">
      <section aria-label="This tab" className="flex shrink-0 items-center justify-center gap-3 bg-[#1e1f22] px-3 py-1.5 text-sm text-[#dbdee1]">
        <p role="status">{asked ? 'Moving Parley to this tab…' : 'Parley runs in another tab of this browser; this tab follows it.'}</p>
        <button
          type="button"
          disabled={asked}
          onClick={() => {
            setAsked(true);
            p.takeOver();
          }}
          className="rounded bg-[#5865f2] px-2.5 py-1 font-medium text-white hover:bg-[#4752c4] disabled:opacity-60"
        >
          Use Parley here
        </button>
      </section>
      <div className="min-h-0 flex-1">{children}</div>
    </div>
  );
};

export default function ParleyApp({
  config,
  joinFromFragment,
  linkFromFragment,
}: {
  config: PortalConfig;
  joinFromFragment: boolean;
  linkFromFragment: boolean;
}) {
  useEffect(() => {
    perfMark('app-loaded');
    // Asked for now, so the next screen is ready when the first is done.
    void loadLater();
  }, []);
  return (
    <ParleyProvider config={config}>
      <VoiceProvider>
        <TabFrame>
          <Screens joinFromFragment={joinFromFragment} linkFromFragment={linkFromFragment} />
        </TabFrame>
      </VoiceProvider>
    </ParleyProvider>
  );
}
