/**
 * Have-vectors kept in step with every write: channel_heads holds, per (room, channel, device), the
 * highest seq n such that the envelopes with seqs 1..n are all held. A write locks the rows of the
 * streams it touched (in key order, so two writers never deadlock) and only then recounts, so two
 * concurrent writers of one stream always see each other's committed seqs.
 */
import { compare, toHex } from '@parley/protocol';
import { and, asc, eq, gt, type SQL, sql } from 'drizzle-orm';
import { bytesOf, type Executor, int, rowsOf } from './db.ts';
import { channelHeads, ENVELOPE_CODE } from './schema.ts';

/** A stream touched by a write, with the lowest seq it added or removed. */
export interface StreamTouch {
  readonly room: Uint8Array;
  readonly channel: Uint8Array;
  readonly device: Uint8Array;
  readonly seq: number;
}

const keyOf = (t: StreamTouch): string => `${toHex(t.room)}${toHex(t.channel)}${toHex(t.device)}`;

/** One entry per stream with its lowest seq, in key order. */
const streamsOf = (touches: readonly StreamTouch[]): StreamTouch[] => {
  const byKey = new Map<string, StreamTouch>();
  for (const t of touches) {
    const k = keyOf(t);
    const prev = byKey.get(k);
    if (prev === undefined || t.seq < prev.seq) byKey.set(k, t);
  }
  return [...byKey.values()].sort((a, b) => compare(a.room, b.room) || compare(a.channel, b.channel) || compare(a.device, b.device));
};

const same = (t: StreamTouch): SQL => and(eq(channelHeads.room, t.room), eq(channelHeads.channel, t.channel), eq(channelHeads.device, t.device)) as SQL;

/** Locks (creating if needed) the head rows of `streams`, in key order; returns their current counts by key. */
const lockHeads = async (tx: Executor, streams: readonly StreamTouch[]): Promise<Map<string, number>> => {
  await tx
    .insert(channelHeads)
    .values(streams.map((s) => ({ room: s.room, channel: s.channel, device: s.device, contiguous: 0 })))
    .onConflictDoNothing();
  const rows = await tx
    .select()
    .from(channelHeads)
    .where(
      sql.join(
        streams.map((s) => sql`(${same(s)})`),
        sql` or `,
      ),
    )
    .orderBy(asc(channelHeads.room), asc(channelHeads.channel), asc(channelHeads.device))
    .for('update');
  return new Map(rows.map((r) => [keyOf({ ...r, seq: 0 }), r.contiguous]));
};

/**
 * For each stream, `from` plus the length of the run of consecutive seqs from+1, from+2, ... held
 * (counting distinct seqs, so equivocating twins count once). One statement for all streams.
 */
const recount = async (tx: Executor, streams: readonly (StreamTouch & { from: number })[]): Promise<number[]> => {
  const values = sql.join(
    streams.map((s, i) => sql`(${i}::int, ${s.room}::bytea, ${s.channel}::bytea, ${s.device}::bytea, ${s.from}::int8)`),
    sql`, `,
  );
  const result = await tx.execute(sql`
    with s(i, room, channel, device, c) as (values ${values})
    select s.i, s.c + (
      select count(*) from (
        select d.seq, row_number() over (order by d.seq) as rn
        from (select distinct o.seq from objects o
              where o.room = s.room and o.channel = s.channel and o.device = s.device
                and o.type = ${sql.raw(String(ENVELOPE_CODE))} and o.seq > s.c) d
      ) w where w.seq - s.c = w.rn
    ) as n
    from s order by s.i`);
  return rowsOf(result).map((r) => int(r.n));
};

const store = async (tx: Executor, streams: readonly StreamTouch[], counts: readonly number[]): Promise<void> => {
  for (let i = 0; i < streams.length; i++) {
    const s = streams[i] as StreamTouch;
    await tx
      .update(channelHeads)
      .set({ contiguous: counts[i] as number })
      .where(same(s));
  }
};

/** After adding envelopes: advance the streams whose run may have grown. */
export const advanceHeads = async (tx: Executor, added: readonly StreamTouch[]): Promise<void> => {
  if (added.length === 0) return;
  const streams = streamsOf(added);
  const current = await lockHeads(tx, streams);
  const grow = streams.map((s) => ({ ...s, from: current.get(keyOf(s)) ?? 0 })).filter((s) => s.seq <= s.from + 1);
  if (grow.length === 0) return;
  const counts = await recount(tx, grow);
  const changed = grow.map((s, i) => ({ s, n: counts[i] as number })).filter((c) => c.n !== c.s.from);
  await store(
    tx,
    changed.map((c) => c.s),
    changed.map((c) => c.n),
  );
};

/** After removing envelopes: recount the streams whose run may have shrunk. */
export const retreatHeads = async (tx: Executor, removed: readonly StreamTouch[]): Promise<void> => {
  if (removed.length === 0) return;
  const streams = streamsOf(removed);
  const current = await lockHeads(tx, streams);
  const shrink = streams.filter((s) => s.seq <= (current.get(keyOf(s)) ?? 0)).map((s) => ({ ...s, from: 0 }));
  if (shrink.length === 0) return;
  await store(tx, shrink, await recount(tx, shrink));
};

/** The have-vector of a channel. */
export const readHaveVector = async (tx: Executor, room: Uint8Array, channel: Uint8Array): Promise<Record<string, number>> => {
  const rows = await tx
    .select({ device: channelHeads.device, n: channelHeads.contiguous })
    .from(channelHeads)
    .where(and(eq(channelHeads.room, room), eq(channelHeads.channel, channel), gt(channelHeads.contiguous, 0)))
    .orderBy(asc(channelHeads.device));
  const out: Record<string, number> = {};
  for (const r of rows) out[toHex(bytesOf(r.device))] = r.n;
  return out;
};
