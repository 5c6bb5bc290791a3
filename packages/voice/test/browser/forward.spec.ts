/**
 * Forwarder mode in real Chromium: the mesh limit lowered to 3 and five people, one browser context
 * each (five is what this shared 2-core machine carries next to the other suites). Everyone elects
 * the same forwarder and hears the other four through it; the frames it relays are sealed (none is a
 * plaintext Opus frame a speaker produced, or contains one; they open only with the epoch's voice key
 * and under their speaker's device key); its page is closed and audio resumes through the next in
 * line within 3 s.
 *
 * Status: not yet passing, so not in npm test (`npm run test:voice-forward`). Measured on this shared
 * 2-core machine (2026-12-02, nothing else running): five Chromium renderers with audio bring the
 * load average to 13; the forwarder's page, which runs every frame transform on its main thread and
 * paces its twelve relay senders with twelve Opus-encoded placeholder tones, is late for a 100 ms
 * timer by up to 9.4 s per 10 s window (the listeners' pages by 1-2 s), so libp2p's ping to it
 * times out (5 s minimum) and its one connection, to alice, is aborted every 30-45 s; with no
 * signalling its roster empties and the call falls back to the mesh and is elected again. Fixed on
 * the way: an offer from a peer that moved to another topology first was taken by the old link (now
 * one link per remote device), and the pages had no bootstrap to dial again (the invite's
 * addresses now). What would help: frame transforms in a worker (RTCRtpScriptTransform) and one
 * placeholder per listener instead of per relayed speaker.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { deriveVoiceKey, fromHex, openVoiceFrame, ProtocolError, parseVoiceFrame } from '@parley/protocol';
import type { Page } from '@playwright/test';
import { call, eventually, type VoiceRoom, voiceRoom } from './harness.ts';

const HEARD = 0.05;
const PEOPLE = ['bob', 'carol', 'dave', 'erin', 'frank'];

let v: VoiceRoom;
before(async () => {
  v = await voiceRoom();
});
after(async () => {
  await v?.close();
});

const state = async (p: Page) => ({ topology: await call(p, 'topology'), levels: await call(p, 'levels'), diagnostics: await call(p, 'diagnostics') });

it('five people with a mesh limit of 3 talk through an elected forwarder that cannot read them, and survive losing it', { timeout: 280_000 }, async () => {
  const t0 = Date.now();
  const progress = (what: string) => process.stdout.write(`# ${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}\n`);
  const pages: Page[] = [];
  for (const name of PEOPLE) pages.push(await v.open(name));
  // Everyone joins the room before anyone talks, one at a time: five joins at once take the room's only other member (alice) past the join timeout on a loaded machine.
  const devices: string[] = [];
  for (const [i, p] of pages.entries()) devices.push(await call(p, 'joinRoom', v.invite(), PEOPLE[i] as string));
  progress('five people in the room');
  for (const p of pages) await call(p, 'enterVoice', 3);
  progress('five people in the call');
  const hearsAll = async (i: number, among: number[]): Promise<boolean> => {
    const l = await call(pages[i] as Page, 'levels');
    return among.every((j) => j === i || (l[devices[j] as string] ?? -1) > HEARD);
  };
  const all = PEOPLE.map((_, i) => i);
  const forwarder = await eventually(
    'everyone elects one forwarder and hears the other four',
    async () => {
      const tops = await Promise.all(pages.map((p) => call(p, 'topology')));
      const fs = new Set(tops.map((t) => (t.mode === 'forward' ? t.forwarder : 'mesh')));
      if (fs.size !== 1) {
        const seen = await Promise.all(pages.map(async (p) => ({ n: (await call(p, 'participants')).length, d: await call(p, 'diagnostics') })));
        throw new Error(`views differ: ${JSON.stringify(tops)} ${JSON.stringify(seen)}`);
      }
      for (const i of all)
        if (!(await hearsAll(i, all))) {
          const peers = await Promise.all(
            pages.map(async (p) => {
              const d = await call(p, 'diagnostics');
              return { self: d.self, conns: d.conns, closes: d.closes, lags: d.lags };
            }),
          );
          throw new Error(
            `page ${i}: ${JSON.stringify(await state(pages[i] as Page))}; pages ${JSON.stringify(peers)}; alice's peers ${v.alice.node.libp2p.getPeers().length}, blocked ${JSON.stringify(v.alice.node.penalties.blocked())}`,
          );
        }
      return [...fs][0] as string;
    },
    120_000,
    250,
  );
  progress('one forwarder, everyone hears the other four');
  const fi = devices.indexOf(forwarder);
  assert.ok(fi >= 0, 'the forwarder is one of the people');
  const fPage = pages[fi] as Page;
  for (const [i, p] of pages.entries()) {
    const conns = await call(p, 'connections');
    if (i === fi) assert.equal(conns.length, 4, 'the forwarder holds a connection to each of the four others');
    else
      assert.deepEqual(
        conns.map((c) => c.device),
        [forwarder],
        `page ${i} is connected to the forwarder only`,
      );
  }

  // Raw frames at the forwarder against the speakers' own plaintext frames, over the same 1.5 s.
  for (const p of pages) await call(p, 'clearPlain');
  await call(fPage, 'keepRelaySample', 200);
  await new Promise((r) => setTimeout(r, 1500));
  const relayed = await call(fPage, 'relaySample');
  const plain = new Map<string, Set<string>>();
  for (const [i, p] of pages.entries()) plain.set(devices[i] as string, new Set(await call(p, 'plainSample')));
  const { epoch, key } = await call(fPage, 'voiceKey');
  assert.ok(relayed.length >= 50, `the forwarder relayed ${relayed.length} frames in the sample`);
  const everyPlain = [...plain.values()].flatMap((s) => [...s]).map((h) => Buffer.from(h, 'hex'));
  const wrongKey = deriveVoiceKey(new Uint8Array(32).fill(7), v.room, v.channel, epoch);
  let matched = 0;
  for (const r of relayed) {
    const frame = fromHex(r.frame);
    const buf = Buffer.from(frame);
    assert.equal(parseVoiceFrame(frame).epoch, epoch, 'sealed under the current epoch');
    for (const pt of everyPlain) assert.ok(pt.length < 4 || buf.indexOf(pt) < 0, 'a relayed frame contains a plaintext Opus frame');
    assert.throws(
      () => openVoiceFrame(() => wrongKey, fromHex(r.speaker), frame),
      (e: unknown) => e instanceof ProtocolError && e.code === 'ERR_DECRYPT',
    );
    const other = devices.find((d) => d !== r.speaker) as string;
    assert.throws(
      () => openVoiceFrame(() => fromHex(key), fromHex(other), frame),
      (e: unknown) => e instanceof ProtocolError && e.code === 'ERR_DECRYPT',
    );
    const opened = openVoiceFrame((e) => (e === epoch ? fromHex(key) : undefined), fromHex(r.speaker), frame);
    if (plain.get(r.speaker)?.has(Buffer.from(opened).toString('hex'))) matched++;
  }
  process.stdout.write(`# forwarder ${fi}: ${relayed.length} relayed frames sampled, ${matched} open to a frame their speaker sealed\n`);
  assert.ok(matched >= relayed.length * 0.9, `${matched} of ${relayed.length} relayed frames open to their speaker's own frames`);

  progress('relayed frames checked');
  // The forwarder's page closes: audio must resume through the next in line within 3 s.
  const rest = all.filter((i) => i !== fi);
  const closedAt = Date.now();
  await fPage.context().close();
  const resumed = await Promise.all(
    rest.map((i) =>
      eventually(
        `page ${i} hears the other three through a new forwarder`,
        async () => {
          const t = await call(pages[i] as Page, 'topology');
          if (t.mode !== 'forward' || t.forwarder === forwarder || t.forwarder === undefined) return false;
          return (await hearsAll(i, rest)) && { at: Date.now(), forwarder: t.forwarder };
        },
        20_000,
        50,
      ),
    ),
  );
  const after = resumed.map((r) => r.at - closedAt);
  process.stdout.write(`# forwarder page closed -> audio through the new forwarder after ${after.map((ms) => `${ms} ms`).join(', ')}\n`);
  assert.equal(new Set(resumed.map((r) => r.forwarder)).size, 1, 'everyone elected the same new forwarder');
  for (const ms of after) assert.ok(ms <= 3000, `audio resumed after ${ms} ms (target 3000 ms)`);
  for (const i of rest) await call(pages[i] as Page, 'leave');
});
