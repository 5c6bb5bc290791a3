/**
 * Forwarder mode in real Chromium: the mesh limit lowered to 3 and five people, one browser context
 * each (five is what this shared 2-core machine carries next to the other suites). Everyone elects
 * the same forwarder and hears the other four through it; each listener also holds a warm standby
 * link to the next in line, and the next in line one to each listener; the frames the forwarder
 * relays are sealed (none is a plaintext Opus frame a speaker produced, or contains one; they open
 * only with the epoch's voice key and under their speaker's device key); its page crashes (no
 * pagehide, no 'leave' signal) and audio resumes through the next in line within 3 s; then the owner
 * bans one of the new forwarder's listeners: it is dropped from the others' calls, its own call ends,
 * and it opens none of the frames sealed after the ban (three remain: a mesh again at a limit of 3).
 *
 * Part of the voice suite (about 30 s on a quiet machine; `npm run test:voice-forward` runs it alone).
 * Measured 2026-12-03, relaying by copying received frames: crash -> audio from the other three at
 * every page in 1.5-2.1 s (detection by 1.2 s of silence, then the standby's tracks played); ban ->
 * out of the others' calls in under 1 s. Before the standby: 1.1-3.0 s idle, 3.06 s and 7.3 s under load.
 * Known weakness: with a busy loop beside it on this 2-core machine, Playwright's answers from all
 * five pages at once lag by 70-190 s at times (the pages' own timers stay within 0.3 s). The likely
 * cause: Playwright enables CDP's Network domain on every page, so each WebSocket frame of a page's
 * libp2p connection to alice (250-300 a second per page in the call, measured) is an event through
 * the browser process into this Node process, which also runs alice; starved, that queue grows and
 * our calls wait behind it. Node's calls into the pages are made side by side and the failover is
 * timed inside the pages for that reason. Six or more people: not measured here.
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

it('five people with a mesh limit of 3 talk through an elected forwarder that cannot read them, and survive losing it', { timeout: 420_000 }, async () => {
  const t0 = Date.now();
  // How late this process's own timers run (alice and Playwright live here): the worst since the last line.
  let nodeLag = 0;
  let tick = performance.now();
  const lagTimer = setInterval(() => {
    const now = performance.now();
    nodeLag = Math.max(nodeLag, now - tick - 100);
    tick = now;
  }, 100);
  lagTimer.unref();
  const progress = (what: string) => {
    process.stdout.write(`# ${((Date.now() - t0) / 1000).toFixed(1)} s (node late by up to ${Math.round(nodeLag)} ms): ${what}\n`);
    nodeLag = 0;
  };
  const pages: Page[] = [];
  for (const name of PEOPLE) pages.push(await v.open(name));
  // Everyone joins the room before anyone talks, one at a time: five joins at once take the room's only other member (alice) past the join timeout on a loaded machine.
  const devices: string[] = [];
  for (const [i, p] of pages.entries()) devices.push(await call(p, 'joinRoom', v.invite(), PEOPLE[i] as string));
  progress('five people in the room');
  for (const p of pages) await call(p, 'enterVoice', 3);
  progress('five people in the call');
  const all = PEOPLE.map((_, i) => i);
  const hearsAll = (i: number, l: Record<string, number>): boolean => all.every((j) => j === i || (l[devices[j] as string] ?? -1) > HEARD);
  // Every 5 s while the call settles, one line per page: who it elected, its links, whom it hears.
  let lastSnapshot = 0;
  const snapshot = async () => {
    if (Date.now() - lastSnapshot < 5_000) return;
    lastSnapshot = Date.now();
    const lines = await Promise.all(
      pages.map(async (p, i) => {
        const asked = Date.now();
        const [t, l, d, f] = await Promise.all([call(p, 'topology'), call(p, 'levels'), call(p, 'diagnostics'), call(p, 'stats')]);
        const heard = Object.entries(l)
          .filter(([, x]) => x > HEARD)
          .map(([k]) => k.slice(0, 6));
        return `${i} ${d.self} ${t.mode === 'forward' ? `fwd ${t.forwarder?.slice(0, 6)}` : 'mesh'} roster ${Object.keys(d.heard).length} hears [${heard}] links [${d.links}] frames ${JSON.stringify(f)} lag ${d.lags.at(-1) ?? '-'} ms, answered in ${Date.now() - asked} ms`;
      }),
    );
    progress(`\n#   ${lines.join('\n#   ')}`);
  };
  const forwarder = await eventually(
    'everyone elects one forwarder and hears the other four',
    async () => {
      await snapshot();
      // One call per page (calls to a page take seconds on a loaded machine).
      const views = await Promise.all(pages.map((p) => call(p, 'view')));
      const tops = views.map((x) => x.topology);
      const fs = new Set(tops.map((t) => (t.mode === 'forward' ? t.forwarder : 'mesh')));
      if (fs.size !== 1) {
        const seen = await Promise.all(pages.map(async (p) => ({ n: (await call(p, 'participants')).length, d: await call(p, 'diagnostics') })));
        throw new Error(`views differ: ${JSON.stringify(tops)} ${JSON.stringify(seen)}`);
      }
      for (const i of all)
        if (!hearsAll(i, (views[i] as { levels: Record<string, number> }).levels)) {
          const peers = await Promise.all(
            pages.map(async (p) => {
              const d = await call(p, 'diagnostics');
              return {
                self: d.self,
                at: d.at,
                topology: await call(p, 'topology'),
                links: d.links,
                conns: d.conns,
                closes: d.closes,
                lags: d.lags,
                log: d.log,
                heard: d.heard,
                playing: d.playing,
                rtp: await call(p, 'rtp'),
              };
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
  // Calls to the pages side by side: on this machine one call to a page takes up to 20 s at times.
  // A link left from another view of the call (a device that thought it was the forwarder) goes once
  // unwanted for 3 s (the engine's STALE_LINK_MS): the topology settles within a few seconds more.
  // Each listener also holds a warm standby link to the next in line (connected, carrying nothing),
  // and the next in line one to each listener but the forwarder: the failover below swaps tracks in.
  const standby = await eventually(
    'the forwarder holds a link to each of the four others, each of them one to the forwarder, and a standby link to the next in line',
    async () => {
      const [connections, tops] = await Promise.all([
        Promise.all(pages.map((p) => call(p, 'connections'))),
        Promise.all(pages.map((p) => call(p, 'topology'))),
      ]);
      const next = new Set(tops.map((t) => (t.mode === 'forward' ? t.standby : undefined)));
      assert.equal(next.size, 1, `everyone names the same next in line: ${[...next]}`);
      const sb = [...next][0] as string;
      const si = devices.indexOf(sb);
      assert.ok(si >= 0 && si !== fi, 'the next in line is one of the listeners');
      for (const [i, conns] of connections.entries()) {
        const seen = `page ${i} (${devices[i]?.slice(0, 8)}; forwarder ${forwarder.slice(0, 8)}, standby ${sb.slice(0, 8)}): ${JSON.stringify(conns.map((c) => ({ ...c, device: c.device.slice(0, 8), sources: undefined })))}`;
        const active = conns.filter((c) => !c.standby).map((c) => c.device);
        const idle = conns
          .filter((c) => c.standby)
          .map((c) => c.device)
          .sort();
        if (i === fi) {
          assert.equal(active.length, 4, `the forwarder holds a connection to each of the four others: ${seen}`);
          assert.deepEqual(idle, [], `the forwarder holds no standby link: ${seen}`);
        } else {
          assert.deepEqual(active, [forwarder], `page ${i} carries audio with the forwarder only: ${seen}`);
          const want = i === si ? all.filter((j) => j !== fi && j !== si).map((j) => devices[j] as string) : [sb];
          assert.deepEqual(idle, want.sort(), `page ${i}'s standby links: ${seen}`);
        }
        for (const c of conns) assert.equal(c.state, 'connected', `page ${i}'s link to ${c.device.slice(0, 8)} is connected: ${seen}`);
      }
      return sb;
    },
    30_000,
    250,
  );
  progress('connections checked');
  // Raw frames at the forwarder against the speakers' own plaintext frames, over the same 1.5 s.
  // All at once, and right before the relay sample: a page keeps the next 1,500 (30 s of its microphone).
  await Promise.all(pages.map((p) => call(p, 'clearPlain')));
  await call(fPage, 'keepRelaySample', 200);
  await new Promise((r) => setTimeout(r, 1500));
  const relayed = await call(fPage, 'relaySample');
  progress(`${relayed.length} relayed frames sampled`);
  const [plains, { epoch, key }] = await Promise.all([Promise.all(pages.map((p) => call(p, 'plainSample'))), call(fPage, 'voiceKey')]);
  const plain = new Map<string, Set<string>>(plains.map((x, i) => [devices[i] as string, new Set(x)]));
  assert.ok(relayed.length >= 50, `the forwarder relayed ${relayed.length} frames in the sample`);
  const short = relayed.filter((r) => r.frame.length / 2 < 33);
  assert.equal(short.length, 0, `relayed frames shorter than a sealed frame: ${JSON.stringify(short.slice(0, 5))}`);
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
  // The forwarder's page closes: audio must resume through the next in line within 3 s, as each page measures it.
  const rest = all.filter((i) => i !== fi);
  const waits = rest.map((i) =>
    call(
      pages[i] as Page,
      'waitForwarded',
      rest.filter((j) => j !== i).map((j) => devices[j] as string),
      forwarder,
      HEARD,
      30_000,
    ),
  );
  // The waits are in the pages before the forwarder goes (each call takes a moment to arrive).
  await new Promise((r) => setTimeout(r, 2_000));
  // The forwarder's renderer crashes: no pagehide, no 'leave' signal (a closed tab sends one and is
  // replaced sooner); the others notice by its silence (QUIET_MS, 1.2 s) and the next in line takes over.
  const cdp = await fPage.context().newCDPSession(fPage);
  const closedAt = Date.now();
  // Not awaited: a crashed page never answers the command.
  void cdp.send('Page.crash').catch(() => undefined);
  const resumed = await Promise.all(waits);
  const closed = new Date(closedAt).toISOString().slice(11, 23);
  const logs = await Promise.all(rest.map((i) => call(pages[i] as Page, 'diagnostics')));
  // Each page's connection log (and its links and frame counts when one did not hear the others).
  const failed = resumed.some((r) => r === undefined);
  for (const [k, d] of logs.entries())
    process.stdout.write(
      `# page ${rest[k]}: ${d.log.slice(failed ? -40 : -20).join(' | ')}${failed ? ` || links ${d.links} conns ${JSON.stringify(d.conns)}` : ''}\n`,
    );
  if (failed) for (const i of rest) process.stdout.write(`# page ${i} now: ${JSON.stringify(await state(pages[i] as Page))}\n`);
  for (const [k, r] of resumed.entries())
    assert.ok(r !== undefined, `page ${rest[k]} did not hear the other three through a new forwarder within 30 s of the crash at ${closed}`);
  const resumedAfter = resumed.map((r) => (r as { at: number }).at - closedAt);
  process.stdout.write(`# forwarder closed at ${closed}\n`);
  process.stdout.write(`# forwarder page closed -> audio through the new forwarder after ${resumedAfter.map((ms) => `${ms} ms`).join(', ')}\n`);
  assert.equal(new Set(resumed.map((r) => r?.forwarder)).size, 1, 'everyone elected the same new forwarder');
  assert.equal(resumed[0]?.forwarder, standby, 'the new forwarder is the standby everyone held a link to');
  for (const ms of resumedAfter) assert.ok(ms <= 3000, `audio resumed after ${ms} ms (target 3000 ms)`);
  progress('failover checked');

  // A ban while in forwarder mode: the owner bans one of the new forwarder's listeners. The others
  // drop it from the call, its own call ends, the voice key moves to the next epoch, and what the
  // others seal after the ban does not open with any key the banned device holds. (Three remain:
  // the call is a mesh again at a limit of 3.)
  const bi = rest.find((i) => devices[i] !== standby) as number;
  const banned = pages[bi] as Page;
  const bannedDevice = devices[bi] as string;
  const stay = rest.filter((i) => i !== bi);
  const speaker = pages[stay[0] as number] as Page;
  const epochBefore = (await call(speaker, 'voiceKey')).epoch;
  const bannedAt = Date.now();
  await v.alice.ban(v.room, fromHex(await call(banned, 'account')));
  await Promise.all(
    stay.map((i) =>
      eventually(
        `page ${i} drops the banned device from the call`,
        async () => {
          const [people, conns] = await Promise.all([call(pages[i] as Page, 'participants'), call(pages[i] as Page, 'connections')]);
          return !people.includes(bannedDevice) && conns.every((c) => c.device !== bannedDevice);
        },
        30_000,
        250,
      ),
    ),
  );
  await eventually("the banned page's own call ends", async () => (await call(banned, 'ended')) === 'removed', 30_000, 250);
  progress(`ban -> the banned device out of the others' calls, its own call ended, after ${Date.now() - bannedAt} ms`);
  const epochAfter = await eventually(
    'the others seal under the next epoch',
    async () => {
      const es = await Promise.all(stay.map((i) => call(pages[i] as Page, 'voiceKey')));
      const e = es[0]?.epoch ?? -1;
      return e > epochBefore && es.every((x) => x.epoch === e) && e;
    },
    30_000,
    250,
  );
  // Three remain: the call becomes a mesh; once they hear each other again, the speaker's frames are sampled.
  await eventually(
    'the two others hear the speaker again',
    async () => {
      const ls = await Promise.all(stay.slice(1).map((i) => call(pages[i] as Page, 'levels')));
      return ls.every((l) => (l[devices[stay[0] as number] as string] ?? 0) > HEARD);
    },
    30_000,
    250,
  ).catch(async (e: unknown) => {
    for (const i of stay) {
      const d = await call(pages[i] as Page, 'diagnostics');
      process.stdout.write(
        `# page ${i} (${devices[i]?.slice(0, 6)}) ${JSON.stringify(await call(pages[i] as Page, 'topology'))} playing ${JSON.stringify(d.playing)} blocked ${JSON.stringify(d.blocked)} conns ${JSON.stringify(d.conns)} rejections ${JSON.stringify(d.rejections)} ${JSON.stringify(d.rejects)} epoch ${(await call(pages[i] as Page, 'voiceKey')).epoch} heard ${JSON.stringify(d.heard)} signals ${JSON.stringify(d.signals)} links ${d.links} levels ${JSON.stringify(await call(pages[i] as Page, 'levels'))}\n#   ${d.log.slice(-30).join(' | ')}\n`,
      );
    }
    process.stdout.write(
      `# alice: peers ${v.alice.node.libp2p.getPeers().length}, blocked ${JSON.stringify(v.alice.node.penalties.blocked())}, rejections ${JSON.stringify(Object.fromEntries(v.alice.ingest.rejections))}\n`,
    );
    throw e;
  });
  const after = await eventually(
    'the speaker seals frames after the ban',
    async () => {
      await call(speaker, 'keepSealed', 100);
      await new Promise((r) => setTimeout(r, 1500));
      const got = await call(speaker, 'sealedSample');
      return got.length >= 20 && got;
    },
    30_000,
    250,
  );
  assert.ok(
    after.every((f) => f.epoch === epochAfter),
    'every frame after the ban is sealed under the new epoch',
  );
  const tried = await call(
    banned,
    'tryOpen',
    devices[stay[0] as number] as string,
    after.map((f) => f.frame),
  );
  process.stdout.write(
    `# the banned device tried ${after.length} frames sealed after the ban: ${tried.opened} opened, refused ${JSON.stringify(tried.refused)}\n`,
  );
  assert.equal(tried.opened, 0, 'the banned device opens none');
  await Promise.all(stay.map((i) => call(pages[i] as Page, 'leave')));
});
