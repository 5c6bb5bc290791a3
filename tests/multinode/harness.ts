/**
 * What every multinode spec shares: a peer process (tests/multinode/peer.ts, forked, driven over IPC
 * with request ids and per-call timeouts), polling until a condition holds, and the result shapes.
 */
import { type ChildProcess, fork } from 'node:child_process';

const PEER = new URL('./peer.ts', import.meta.url).pathname;

/** One forked peer process; `call` sends a command and resolves with its answer. */
export class PeerProcess {
  readonly name: string;
  readonly proc: ChildProcess;
  #next = 1;
  readonly #waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(name: string) {
    this.name = name;
    this.proc = fork(PEER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.proc.on('message', (m: { id: number; ok: boolean; result?: unknown; error?: string }) => {
      const w = this.#waiting.get(m.id);
      this.#waiting.delete(m.id);
      if (m.ok) w?.resolve(m.result);
      else w?.reject(new Error(`${this.name}: ${m.error}`));
    });
    this.proc.on('exit', () => {
      for (const w of this.#waiting.values()) w.reject(new Error(`${this.name} exited`));
      this.#waiting.clear();
    });
  }

  call<T>(cmd: string, args: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${this.name}.${cmd}: no answer in ${timeoutMs} ms`)), timeoutMs);
      this.#waiting.set(id, {
        resolve: (v) => {
          clearTimeout(t);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(t);
          reject(e);
        },
      });
      this.proc.send({ id, cmd, args });
    });
  }
}

/** Polls `fn` until it returns something other than undefined/false, or fails after `timeoutMs`. */
export const eventually = async <T>(what: string, fn: () => Promise<T | false | undefined>, timeoutMs = 40_000, intervalMs = 300): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`eventually(${what}) timed out${last === undefined ? '' : `: ${(last as Error).message}`}`);
};

export interface Started {
  peerId: string;
  addrs: string[];
  account: string;
}
export interface Msg {
  id: string;
  text: string | undefined;
}
