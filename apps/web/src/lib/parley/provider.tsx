'use client';
/**
 * The one client provider: it owns this tab's ParleyClient (created once the person has an
 * identity), the list of known rooms, and a `version` that changes whenever the client reports
 * something (message, authority state, sync, connection), so views re-read what they show.
 */
import type { Identity, ParleyClient } from '@parley/client';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { PublicListing } from '../directory/public-listing.ts';
import { perfMark } from '../perf-marks.ts';
import type { PortalConfig } from '../portal-config.ts';
import { deviceLabel } from './device-label.ts';
import { hasStoredIdentity, IDENTITY_KEY } from './identity-slot.ts';
import { loadInvisible, useOwnStatus } from './own-status.ts';
import { loadRelayOnly, saveRelayOnly } from './relay-only.ts';
import { forgetRoom, forgetRooms, type KnownRoom, loadRooms, saveRoom } from './room-list.ts';
import { type Lead, leadThisTab } from './tab-lock.ts';

type Runtime = typeof import('./client-runtime.ts');
type PreparedClient = import('./client-runtime.ts').PreparedClient;
type Follower = import('./client-runtime.ts').Follower;

// The client code (libp2p, noble, stores) comes in its own chunk, asked for once when the app mounts.
let runtime: Promise<Runtime> | undefined;
let loaded: Runtime | undefined;
const loadRuntime = (): Promise<Runtime> => {
  runtime ??= import('./client-runtime.ts').then((r) => {
    perfMark('runtime-loaded');
    loaded = r;
    return r;
  });
  return runtime;
};
/** The client code, for actions that need a running client (so it has loaded). */
const rt = (): Runtime => {
  if (loaded === undefined) throw new Error('Still connecting; try again in a moment.');
  return loaded;
};

interface Prepared {
  readonly lead: Lead;
  /** When this tab leads. */
  readonly ready: PreparedClient | undefined;
}

/**
 * The Web Lock, then the stores and a started libp2p node: none of it needs an identity, so a new
 * person's browser does it while they fill in the profile. `ready` undefined: another tab leads.
 */
const prepare = async (config: PortalConfig): Promise<Prepared> => {
  const lead = await leadThisTab();
  if (!lead.leads) return { lead, ready: undefined };
  return { lead, ready: await (await loadRuntime()).prepareClient(config) };
};

/** The browser's language as a listing language tag (`en`, `pt-BR`), `und` when it is not one. */
const listingLanguage = (): string => {
  const l = globalThis.navigator?.language ?? '';
  return /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(l) && l.length <= 16 ? l : 'und';
};

export type Phase = 'loading' | 'profile' | 'connecting' | 'ready' | 'error';

export interface Parley {
  readonly phase: Phase;
  readonly error: string | undefined;
  readonly config: PortalConfig;
  readonly identity: Identity | undefined;
  readonly client: ParleyClient | undefined;
  /**
   * Another tab of this browser runs Parley and this one follows it (tab-bus.ts): `client` reads here
   * and writes through that tab; what only the running tab can do throws a UseHereError.
   */
  readonly follower: boolean;
  /** In a follower: asks the running tab to hand Parley over to this one (it reloads and follows). */
  takeOver(): void;
  readonly rooms: readonly KnownRoom[];
  /** Changes on every client event. */
  readonly version: number;
  /** Whether new WebRTC connections use TURN relays only (peers never see this device's IP addresses). */
  readonly relayOnly: boolean;
  createProfile(displayName: string, color: number): void;
  /** Starts a community; with `listing`, public: anyone may join (join mode open) and it is listed in the directory with these tags. */
  createCommunity(name: string, channels: readonly string[], listing?: PublicListing): Promise<string>;
  joinInvite(url: string): Promise<string>;
  /** Lists a community under `name` (join mode set to open, as a card carries no invite), or takes it out of the directory. MANAGE_ROOM. */
  setListing(hex: string, name: string, listing: PublicListing | undefined): Promise<void>;
  /** A new name and colour: signed, kept, and published into every room. */
  updateProfile(displayName: string, color: number): void;
  /** Leaves a room (LEAVE) and forgets it here. */
  leaveRoom(hex: string): Promise<void>;
  /** Takes over this browser with the account of a recovery phrase (a new device key), then reloads. */
  importRecovery(phrase: string): void;
  /**
   * Makes this browser (no community yet) a device of the account whose other device showed `code`
   * (PROTOCOL 2.1): keeps the linked identity and lists the account's communities. LinkError otherwise.
   */
  linkDevice(code: string): Promise<void>;
  setRelayOnly(on: boolean): void;
  /** Whether this person appears offline to everyone (sends no status; PROTOCOL 5.8). */
  readonly invisible: boolean;
  setInvisible(on: boolean): void;
}

const Ctx = createContext<Parley | undefined>(undefined);

export const useParley = (): Parley => {
  const v = useContext(Ctx);
  if (v === undefined) throw new Error('useParley outside ParleyProvider');
  return v;
};

const need = (c: ParleyClient | undefined): ParleyClient => {
  if (c === undefined) throw new Error('Still connecting; try again in a moment.');
  return c;
};

export const ParleyProvider = ({ config, children }: { config: PortalConfig; children: ReactNode }) => {
  const [identity, setIdentity] = useState<Identity | undefined>(undefined);
  const [phase, setPhase] = useState<Phase>('loading');
  const [error, setError] = useState<string | undefined>(undefined);
  const [client, setClient] = useState<ParleyClient | undefined>(undefined);
  const [rooms, setRooms] = useState<readonly KnownRoom[]>([]);
  const [version, setVersion] = useState(0);
  const [relayOnly, setRelayOnlyState] = useState(false);
  const started = useRef(false);
  const prepared = useRef<Promise<Prepared> | undefined>(undefined);
  const [follower, setFollower] = useState(false);
  const followerRef = useRef<Follower | undefined>(undefined);
  // The identity the client starts with; later profile changes go through the client, not a restart.
  const firstIdentity = useRef<Identity | undefined>(undefined);
  if (firstIdentity.current === undefined && identity !== undefined) firstIdentity.current = identity;
  const hasIdentity = identity !== undefined;

  useEffect(() => {
    setRooms(loadRooms());
    setRelayOnlyState(loadRelayOnly());
    const fail = (e: unknown) => {
      setError((e as Error).message ?? String(e));
      setPhase('error');
    };
    const newPerson = () => {
      setPhase('profile');
      // While the person is on the profile step: the client code, the stores and the libp2p node.
      if (prepared.current === undefined) {
        prepared.current = prepare(config);
        // Seen (and shown) when the client starts with it.
        prepared.current.catch(() => undefined);
      }
    };
    if (!hasStoredIdentity()) {
      newPerson();
      return;
    }
    loadRuntime().then((r) => {
      const id = r.loadStoredIdentity();
      if (id === undefined) newPerson();
      else setIdentity(id);
    }, fail);
  }, [config]);

  useEffect(() => {
    // One ParleyClient per tab, even under React's strict-mode double effects.
    const id = firstIdentity.current;
    if (!hasIdentity || id === undefined || started.current) return;
    started.current = true;
    setPhase('connecting');
    let made: ParleyClient | undefined;
    const bump = () => setVersion((v) => v + 1);
    const listen = (c: ParleyClient) => {
      for (const ev of ['message', 'state', 'sync', 'connection', 'acked', 'profile'] as const) c.on(ev, bump);
    };
    prepared.current ??= prepare(config);
    prepared.current
      .then(async ({ lead, ready }) => {
        const r = await loadRuntime();
        const run = async (p: PreparedClient, who: Identity) => {
          const bus = new r.LeaderBus();
          const c = await r.startClient(who, config, loadRooms(), { relayOnly: loadRelayOnly(), invisible: loadInvisible(), tap: bus.tap }, p);
          made = c;
          // "Use Parley here" in a follower: step down (the reload follows; the asking tab is first in the lock's queue).
          bus.serve(c, () => void c.close().finally(() => globalThis.location.reload()));
          listen(c);
          setClient(c);
          setFollower(false);
          setPhase('ready');
          perfMark('client-ready');
        };
        if (ready !== undefined) return run(ready, id);
        // Another tab leads: follow it, and lead when it goes (its lock comes to this tab).
        const f = await r.startFollower(id, loadRooms());
        followerRef.current = f;
        listen(f.view);
        setClient(f.view);
        setFollower(true);
        setPhase('ready');
        perfMark('follower-ready');
        await lead.granted;
        perfMark('lead-granted');
        followerRef.current = undefined;
        await f.close().catch(() => undefined);
        // The identity as the leading tab last kept it (a profile changed there).
        const kept = r.loadStoredIdentity();
        await run(await r.prepareClient(config), kept ?? id);
        perfMark('lead-taken');
      })
      .catch((e: unknown) => {
        setError((e as Error).message ?? String(e));
        setPhase('error');
      });
    const close = () => void made?.close();
    globalThis.addEventListener('pagehide', close);
    return () => globalThis.removeEventListener('pagehide', close);
  }, [hasIdentity, config]);

  const createProfile = useCallback((displayName: string, color: number) => {
    perfMark('profile-submitted');
    setPhase('connecting');
    loadRuntime().then(
      (r) => {
        setIdentity(r.createStoredIdentity(displayName, color));
        perfMark('identity-made');
      },
      (e: unknown) => {
        setError((e as Error).message ?? String(e));
        setPhase('error');
      },
    );
  }, []);

  const createCommunity = useCallback(
    async (name: string, channels: readonly string[], listing?: PublicListing) => {
      const c = need(client);
      // Pin the portal's hubs, so the room outlives its members' tabs (and they keep a public room listed).
      const hubs = config.bootstrap.map((a) => a.split('/p2p/')[1] ?? '').filter((h) => h !== '');
      // A directory card carries no invite token, so a public room admits token-less JOINs.
      const policy = listing === undefined ? { hubs } : { hubs, join: 'open' as const };
      const room = await c.createRoom({ name, channels: channels.length > 0 ? channels : ['general'], policy });
      if (listing !== undefined) {
        await c.setDiscovery(room, {
          name,
          description: listing.description,
          language: listingLanguage(),
          tags: listing.tags,
          color: c.identity.profile.body.color,
        });
      }
      const hex = rt().toHex(room);
      setRooms(saveRoom({ hex, name }));
      return hex;
    },
    [client, config],
  );

  const joinInvite = useCallback(
    async (url: string) => {
      const c = need(client);
      const { parseInviteUrl, nobleCrypto, toHex } = rt();
      const invite = parseInviteUrl(url, nobleCrypto);
      perfMark('join-started');
      const { room } = await c.join(url, { timeoutMs: 30_000, onStep: (step) => perfMark(`join-${step}`) });
      const hex = toHex(room);
      setRooms(saveRoom({ hex, name: invite.name ?? `Room ${hex.slice(0, 6)}` }));
      return hex;
    },
    [client],
  );

  const setListing = useCallback(
    async (hex: string, name: string, listing: PublicListing | undefined) => {
      const c = need(client);
      const room = rt().fromHex(hex);
      if (listing === undefined) {
        await c.setDiscovery(room, undefined);
        return;
      }
      if (c.state(room).policy().join !== 'open') await c.setJoinMode(room, 'open');
      await c.setDiscovery(room, {
        name,
        description: listing.description,
        language: listingLanguage(),
        tags: listing.tags,
        color: c.identity.profile.body.color,
      });
    },
    [client],
  );

  const updateProfile = useCallback(
    (displayName: string, color: number) => {
      const next = need(client).setProfile({ displayName, color });
      rt().saveStoredIdentity(next);
      setIdentity(next);
    },
    [client],
  );

  const leaveRoom = useCallback(
    async (hex: string) => {
      await need(client).leave(rt().fromHex(hex));
      setRooms(forgetRoom(hex));
    },
    [client],
  );

  const importRecovery = useCallback(
    (phrase: string) => {
      const current = identity?.profile.body;
      rt().importStoredIdentity(phrase, current?.displayName ?? 'Me', current?.color ?? 0x5865f2);
      // Rooms joined by the old device do not know the new one: start clean, then restart the client with the new keys.
      forgetRooms();
      void client?.close().finally(() => globalThis.location.assign('/'));
      if (client === undefined) globalThis.location.assign('/');
    },
    [client, identity],
  );

  const linkDevice = useCallback(
    async (code: string) => {
      const c = need(client);
      if (loadRooms().length > 0) throw new Error('This browser is already in communities: link a browser that is new to Parley.');
      const r = await c.linkDevice(code, { label: deviceLabel(), timeoutMs: 30_000 });
      rt().saveStoredIdentity(r.identity);
      setIdentity(r.identity);
      let list = loadRooms();
      for (const room of r.rooms) {
        const hex = rt().toHex(room.id);
        list = saveRoom({ hex, name: room.name ?? `Room ${hex.slice(0, 6)}` });
      }
      setRooms(list);
    },
    [client],
  );

  const setRelayOnly = useCallback(
    (on: boolean) => {
      client?.setRelayOnly(on);
      saveRelayOnly(on);
      setRelayOnlyState(on);
    },
    [client],
  );

  const [invisible, setInvisible] = useOwnStatus(client);

  const takeOver = useCallback(() => followerRef.current?.bus.handover(), []);

  // Another tab joined, made or left a community: the list (localStorage) follows, and this tab's client opens it.
  // In a follower, the leading tab's profile changes too (it keeps the identity).
  useEffect(() => {
    const onStorage = (e: StorageEvent) => {
      if (follower && e.key === IDENTITY_KEY && loaded !== undefined) {
        const kept = loaded.loadStoredIdentity();
        if (kept !== undefined) setIdentity(kept);
        return;
      }
      if (e.key !== null && !e.key.startsWith('parley.rooms')) return;
      const list = loadRooms();
      setRooms(list);
      if (client === undefined || loaded === undefined) return;
      const open = new Set(client.rooms().map((r) => loaded?.toHex(r)));
      for (const room of list) if (!open.has(room.hex)) void client.openRoom(loaded.fromHex(room.hex)).catch(() => undefined);
    };
    globalThis.addEventListener('storage', onStorage);
    return () => globalThis.removeEventListener('storage', onStorage);
  }, [client, follower]);

  const value = useMemo<Parley>(
    () => ({
      phase,
      error,
      config,
      identity,
      client,
      follower,
      takeOver,
      rooms,
      version,
      relayOnly,
      invisible,
      setInvisible,
      createProfile,
      createCommunity,
      joinInvite,
      setListing,
      updateProfile,
      leaveRoom,
      importRecovery,
      linkDevice,
      setRelayOnly,
    }),
    [
      phase,
      error,
      config,
      identity,
      client,
      follower,
      takeOver,
      rooms,
      version,
      relayOnly,
      invisible,
      setInvisible,
      createProfile,
      createCommunity,
      joinInvite,
      setListing,
      updateProfile,
      leaveRoom,
      importRecovery,
      linkDevice,
      setRelayOnly,
    ],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
};
