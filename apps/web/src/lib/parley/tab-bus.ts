/**
 * One device, many tabs (tab-messages.ts has the messages). The leading tab's client hands every
 * frame, signal and relayed event to the channel, and runs what followers ask (TAB_METHODS). A
 * follower tab runs a ParleyClient in follower mode over the same IndexedDB store, with a libp2p node
 * that dials nothing: it replays what the leader hands it through its own verifying ingest, and its
 * views get `followerView`: the client as it is for reading, the leader over the channel for
 * writing, and a UseHereError for what only the leading tab can do (voice, invites, device links).
 */
import { ClientError, type ParleyClient, RELAYED_EVENTS, type Relayed } from '@parley/client';
import { createParleyNode, parseStatusTopic } from '@parley/net';
import { decodeTabMessage, TAB_CHANNEL, TAB_METHODS, type TabError, type TabMessage, TabMessageError, toTabError } from './tab-messages.ts';

/** Something only the tab that runs Parley can do: the person presses "Use Parley here" first. */
export class UseHereError extends Error {
  constructor(what = 'This') {
    super(`${what} works only in the tab that runs Parley: press "Use Parley here" to move Parley to this tab.`);
    this.name = 'UseHereError';
  }
}

/** Client methods a follower tab cannot run, locally or through the leader. */
const LEADER_ONLY: ReadonlySet<string> = new Set([
  'createInvite',
  'offerDeviceLink',
  'linkDevice',
  'setProfile',
  'fetchFileTo',
  'uploadFiles',
  'pushToHubs',
  'act',
]);
const CALL_TIMEOUT_MS = 60_000;
/** Status signals a leader keeps to relay again to a follower that just started (newest last). */
const RECENT_STATUS = 256;
/** Older ones would be refused anyway (STATUS_SKEW_MS). */
const RECENT_STATUS_MS = 30_000;

const post = (ch: BroadcastChannel, m: TabMessage): void => {
  try {
    ch.postMessage(m);
  } catch {
    // A value that does not clone (or a closed channel): the caller's timeout says so.
  }
};

/** Messages refused on the channel (tests and diagnostics). */
export const dropped: TabMessageError[] = [];
const decode = (data: unknown): TabMessage | undefined => {
  try {
    return decodeTabMessage(data);
  } catch (e) {
    if (!(e instanceof TabMessageError)) throw e;
    if (dropped.length < 100) dropped.push(e);
    return undefined;
  }
};

/**
 * The leading tab's side. `tap` goes into the client's options (before the client exists);
 * `serve` then answers followers' calls with it. `onHandover`: a follower asked to take over.
 */
export class LeaderBus {
  readonly #ch = new BroadcastChannel(TAB_CHANNEL);
  readonly #offs: (() => void)[] = [];
  readonly #recentStatus: { at: number; r: Relayed }[] = [];

  readonly tap = (r: Relayed): void => {
    if (r.kind === 'signal' && parseStatusTopic(r.topic) !== undefined) {
      this.#recentStatus.push({ at: Date.now(), r });
      if (this.#recentStatus.length > RECENT_STATUS) this.#recentStatus.shift();
    }
    post(this.#ch, { t: 'relay', r });
  };

  serve(client: ParleyClient, onHandover: () => void): void {
    for (const name of RELAYED_EVENTS) {
      this.#offs.push(client.on(name, (event) => this.tap({ kind: 'event', name, event } as Relayed)));
    }
    this.#ch.onmessage = (e: MessageEvent) => {
      const m = decode(e.data);
      if (m?.t === 'handover') onHandover();
      if (m?.t === 'hello') {
        const since = Date.now() - RECENT_STATUS_MS;
        for (const x of this.#recentStatus) if (x.at >= since) post(this.#ch, { t: 'relay', r: x.r });
      }
      if (m?.t !== 'call') return;
      const answer = (r: { ok: true; value: unknown } | { ok: false; error: TabError }) => {
        try {
          this.#ch.postMessage({ t: 'result', id: m.id, ...r });
        } catch (err) {
          post(this.#ch, { t: 'result', id: m.id, ok: false, error: toTabError(err) });
        }
      };
      // What the tab in front of the person says about its status: only "online" (it is in use) is passed on.
      if (m.method === 'setStatus') {
        if (m.args[0] === 'online') client.setStatus('online');
        answer({ ok: true, value: undefined });
        return;
      }
      const fn = (client as unknown as Record<string, unknown>)[m.method];
      if (typeof fn !== 'function') {
        answer({ ok: false, error: { name: 'TabMessageError', message: `no method ${m.method}`, code: 'method' } });
        return;
      }
      Promise.resolve()
        .then(() => (fn as (...a: unknown[]) => unknown).apply(client, m.args as unknown[]))
        .then(
          (value) => answer({ ok: true, value }),
          (err: unknown) => answer({ ok: false, error: toTabError(err) }),
        );
    };
  }

  close(): void {
    for (const off of this.#offs) off();
    this.#ch.close();
  }
}

/** The error a call failed with in the leading tab, as this tab's code knows it. */
const fromTabError = (e: TabError): Error => {
  if (e.name === 'ClientError' && e.code !== undefined) return new ClientError(e.code as ClientError['code'], e.message);
  const err = new Error(e.message);
  err.name = e.name;
  if (e.code !== undefined) Object.assign(err, { code: e.code });
  return err;
};

/** Options objects lose what does not cross tabs (progress callbacks, abort signals). */
const cloneable = (a: unknown): unknown => {
  if (typeof a !== 'object' || a === null || a instanceof Uint8Array || a instanceof Blob || Array.isArray(a)) return a;
  return Object.fromEntries(Object.entries(a).filter(([, v]) => typeof v !== 'function' && !(v instanceof AbortSignal)));
};

/** A follower tab's side: its client replays the leader's relays; `call` runs a method in the leader. */
export class FollowerBus {
  readonly #ch = new BroadcastChannel(TAB_CHANNEL);
  readonly #pending = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #queue: Promise<unknown> = Promise.resolve();
  #n = 0;

  constructor(client: ParleyClient) {
    this.#ch.onmessage = (e: MessageEvent) => {
      const m = decode(e.data);
      if (m?.t === 'relay') {
        // In the leader's order: an entry before the messages that name it.
        this.#queue = this.#queue.then(() => client.mirror(m.r)).catch(() => undefined);
      } else if (m?.t === 'result') {
        const p = this.#pending.get(m.id);
        if (p === undefined) return;
        this.#pending.delete(m.id);
        // After the relays that came before it, so what the call made is on screen when it resolves.
        void this.#queue.then(() => (m.ok ? p.resolve(m.value) : p.reject(fromTabError(m.error))));
      }
    };
  }

  /** Asks the leader for what a new follower missed (recent status signals); after the rooms are open. */
  hello(): void {
    post(this.#ch, { t: 'hello' });
  }

  call(method: (typeof TAB_METHODS)[number], args: readonly unknown[]): Promise<unknown> {
    const id = `${Date.now().toString(36)}-${(this.#n++).toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error('The tab running Parley did not answer. Press "Use Parley here" to run it in this tab.'));
      }, CALL_TIMEOUT_MS);
      this.#pending.set(id, {
        resolve: (v) => {
          clearTimeout(t);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(t);
          reject(e);
        },
      });
      post(this.#ch, { t: 'call', id, method, args: args.map(cloneable) });
    });
  }

  /** Asks the leading tab to step down (it reloads and follows); this tab then gets the lock. */
  handover(): void {
    post(this.#ch, { t: 'handover' });
  }

  close(): void {
    this.#ch.close();
    for (const p of this.#pending.values()) p.reject(new Error('This tab now runs Parley: try again.'));
    this.#pending.clear();
  }
}

/** The client as a follower tab's views use it (see the header). */
export const followerView = (local: ParleyClient, bus: FollowerBus): ParleyClient => {
  const methods: ReadonlySet<string> = new Set(TAB_METHODS);
  return new Proxy(local, {
    get(target, key) {
      if (typeof key === 'string' && methods.has(key)) {
        const method = key as (typeof TAB_METHODS)[number];
        return (...args: unknown[]) => {
          const done = bus.call(method, args).then(async (value) => {
            // A room the leader just joined or made: open it here too (the leader stored its log).
            if ((method === 'join' || method === 'createRoom') && value !== undefined) {
              const room = method === 'join' ? (value as { room: Uint8Array }).room : (value as Uint8Array);
              await target.openRoom(room);
            }
            return value;
          });
          // Fire-and-forget in the views: a lost one is not worth an unhandled rejection.
          if (method === 'setStatus' || method === 'typing') done.catch(() => undefined);
          return done;
        };
      }
      if (typeof key === 'string' && LEADER_ONLY.has(key)) {
        return () => {
          throw new UseHereError();
        };
      }
      const v: unknown = Reflect.get(target, key, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
};

/** A libp2p node that dials nothing and listens nowhere: a follower's client needs one, the network is the leader's. */
export const followerNode = () => createParleyNode({ bootstrap: [], listen: [], dialFilter: () => false, iceServers: [] });
