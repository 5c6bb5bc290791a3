'use client';
/**
 * The call this tab is in, kept above the screens so that it goes on while the person moves between
 * channels, rooms and settings (as in Discord). The voice engine (@parley/voice) is loaded when the
 * person first joins a voice channel. Mute, deafen, the input mode with its push-to-talk key, and
 * the chosen devices are remembered in this browser.
 */
import type { LinkQuality, VoiceEngine, VoiceInputMode } from '@parley/voice';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { useParley } from './provider.tsx';
import { loadVoicePrefs, saveVoicePrefs, type VoicePrefs } from './voice-prefs.ts';

export interface CallPerson {
  readonly device: string;
  readonly account: Uint8Array;
  readonly me: boolean;
  readonly speaking: boolean;
  readonly muted: boolean;
  readonly deafened: boolean;
  /** 0..2, 1 as received (not for oneself). */
  readonly volume: number;
  readonly quality: LinkQuality | undefined;
}

export interface VoiceCall {
  readonly roomHex: string;
  readonly channelHex: string;
  readonly people: readonly CallPerson[];
  readonly topology: 'mesh' | 'forward';
  /** Holding push-to-talk now. */
  readonly talking: boolean;
}

export interface Voice {
  readonly call: VoiceCall | undefined;
  /** Joining, or why the last join or call failed. */
  readonly joining: boolean;
  readonly error: string | undefined;
  readonly prefs: VoicePrefs;
  join(roomHex: string, channelHex: string): Promise<void>;
  leave(): Promise<void>;
  setMuted(on: boolean): void;
  setDeafened(on: boolean): void;
  setVolume(device: string, v: number): void;
  setPrefs(p: Partial<VoicePrefs>): Promise<void>;
}

const Ctx = createContext<Voice | undefined>(undefined);

export const useVoice = (): Voice => {
  const v = useContext(Ctx);
  if (v === undefined) throw new Error('useVoice outside VoiceProvider');
  return v;
};

/** The microphone as people expect it (echo cancellation, noise suppression, auto gain), the chosen one or the system's. */
const micConstraints = (deviceId: string): MediaTrackConstraints => ({
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
  ...(deviceId === '' ? {} : { deviceId: { exact: deviceId } }),
});

/** Whether a key event is typing into a field (push-to-talk leaves those alone). */
const typingInField = (e: KeyboardEvent): boolean => {
  const t = e.target as HTMLElement | null;
  return t !== null && (t.isContentEditable || t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT');
};

export const VoiceProvider = ({ children }: { children: ReactNode }) => {
  const p = useParley();
  const client = p.client;
  const engine = useRef<VoiceEngine | undefined>(undefined);
  const [at, setAt] = useState<{ roomHex: string; channelHex: string } | undefined>(undefined);
  const [joining, setJoining] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [prefs, setPrefsState] = useState<VoicePrefs>(() => loadVoicePrefs());
  const [tick, setTick] = useState(0);
  const [talking, setTalking] = useState(false);
  const bump = useCallback(() => setTick((t) => t + 1), []);

  const leave = useCallback(async () => {
    const e = engine.current;
    engine.current = undefined;
    setAt(undefined);
    setTalking(false);
    await e?.leave();
  }, []);

  const join = useCallback(
    async (roomHex: string, channelHex: string) => {
      if (client === undefined) throw new Error('Still connecting; try again in a moment.');
      if (engine.current !== undefined) await leave();
      setJoining(true);
      setError(undefined);
      try {
        // A call needs this tab's own connections: a follower tab (another tab runs Parley) cannot hold one.
        if (p.follower) throw new Error('voice works only in the tab that runs Parley: press "Use Parley here" to move Parley to this tab.');
        const [{ VoiceLink }, { VoiceEngine }, { fromHex }] = await Promise.all([
          import('@parley/client'),
          import('@parley/voice'),
          import('@parley/protocol'),
        ]);
        const link = new VoiceLink(client, fromHex(roomHex), fromHex(channelHex));
        const e = await VoiceEngine.join({
          link,
          inputMode: prefs.inputMode,
          audio: micConstraints(prefs.microphone),
          sinkId: prefs.speaker === '' ? undefined : prefs.speaker,
        });
        engine.current = e;
        e.setMuted(prefs.muted);
        e.setDeafened(prefs.deafened);
        e.on('participants', bump);
        e.on('speaking', bump);
        e.on('topology', bump);
        e.on('ended', () => {
          if (engine.current !== e) return;
          engine.current = undefined;
          setAt(undefined);
          setError('You are no longer a member of this community, so you left the call.');
        });
        setAt({ roomHex, channelHex });
      } catch (err) {
        const name = (err as Error).name;
        setError(
          name === 'NotAllowedError'
            ? 'Parley may not use your microphone. Allow it in the browser’s site settings, then join again.'
            : name === 'NotFoundError' || name === 'OverconstrainedError'
              ? 'No microphone was found. Plug one in or pick another in voice settings.'
              : `Could not join the call: ${(err as Error).message}`,
        );
      } finally {
        setJoining(false);
      }
    },
    [client, p.follower, prefs, bump, leave],
  );

  // The engine measures link quality every few seconds; the people list is redrawn on a 2 s beat to show it.
  useEffect(() => {
    if (at === undefined) return;
    const t = setInterval(bump, 2000);
    return () => clearInterval(t);
  }, [at, bump]);

  // Push-to-talk: the chosen key, held, opens the microphone (not while typing into a field).
  useEffect(() => {
    if (at === undefined || prefs.inputMode !== 'push-to-talk') return;
    const down = (e: KeyboardEvent) => {
      if (e.code !== prefs.pttKey || typingInField(e) || e.repeat) return;
      e.preventDefault();
      engine.current?.setPushToTalk(true);
      setTalking(true);
    };
    const up = (e: KeyboardEvent) => {
      if (e.code !== prefs.pttKey) return;
      engine.current?.setPushToTalk(false);
      setTalking(false);
    };
    const blur = () => {
      engine.current?.setPushToTalk(false);
      setTalking(false);
    };
    addEventListener('keydown', down);
    addEventListener('keyup', up);
    addEventListener('blur', blur);
    return () => {
      removeEventListener('keydown', down);
      removeEventListener('keyup', up);
      removeEventListener('blur', blur);
    };
  }, [at, prefs.inputMode, prefs.pttKey]);

  // The tab closes or the client goes away: the engine says goodbye itself (pagehide); a new client ends the call.
  useEffect(() => () => void engine.current?.leave(), []);

  const setPrefs = useCallback(
    async (next: Partial<VoicePrefs>) => {
      const merged = { ...prefs, ...next };
      setPrefsState(merged);
      saveVoicePrefs(merged);
      const e = engine.current;
      if (e === undefined) return;
      if (next.inputMode !== undefined) e.setInputMode(next.inputMode as VoiceInputMode);
      if (next.microphone !== undefined) {
        const s = await navigator.mediaDevices.getUserMedia({ audio: micConstraints(next.microphone) });
        const track = s.getAudioTracks()[0];
        if (track !== undefined) await e.setMicrophone(track);
      }
      if (next.speaker !== undefined) {
        const setSink = (e.graph.ctx as unknown as { setSinkId?: (id: string) => Promise<void> }).setSinkId;
        if (typeof setSink === 'function') await setSink.call(e.graph.ctx, next.speaker).catch(() => undefined);
      }
    },
    [prefs],
  );

  const call = useMemo((): VoiceCall | undefined => {
    void tick;
    const e = engine.current;
    if (e === undefined || at === undefined || client === undefined) return undefined;
    const me: CallPerson = {
      device: e.self,
      account: client.identity.account.publicKey,
      me: true,
      speaking: e.speaking(e.self),
      muted: e.muted,
      deafened: e.deafened,
      volume: 1,
      quality: undefined,
    };
    const quality = e.measured();
    const others = e.roster.list().map(
      (r): CallPerson => ({
        device: r.deviceHex,
        account: r.account,
        me: false,
        speaking: e.speaking(r.deviceHex),
        muted: r.muted,
        deafened: r.deafened,
        volume: e.graph.volume(r.deviceHex),
        quality: quality[r.deviceHex],
      }),
    );
    return { ...at, people: [me, ...others], topology: e.topology().mode, talking };
  }, [tick, at, client, talking]);

  const value = useMemo(
    (): Voice => ({
      call,
      joining,
      error,
      prefs,
      join,
      leave,
      setMuted: (on) => {
        engine.current?.setMuted(on);
        void setPrefs({ muted: on });
        bump();
      },
      setDeafened: (on) => {
        engine.current?.setDeafened(on);
        void setPrefs({ deafened: on, ...(on ? {} : { muted: engine.current?.muted ?? prefs.muted }) });
        bump();
      },
      setVolume: (device, v) => {
        engine.current?.setVolume(device, v);
        bump();
      },
      setPrefs,
    }),
    [call, joining, error, prefs, join, leave, setPrefs, bump],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
};
