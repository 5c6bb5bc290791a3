/**
 * Voice in real Chromium (fake microphone playing a tone), a full mesh of three: each page receives
 * the other two with real signal energy (WebAudio analyser on the received tracks), speaking
 * indicators follow, each microphone's bitrate is capped from the measured bandwidth, and a mute
 * silences the sender at both listeners within 500 ms (the median of three trials). Then the
 * owner bans one of the three: the other two drop it from the call, its own call ends, the voice
 * key moves to the next epoch, and the frames the others seal after the ban do not open with any
 * key the banned device holds.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { fromHex } from '@parley/protocol';
import type { Page } from '@playwright/test';
import { call, eventually, type VoiceRoom, voiceRoom } from './harness.ts';

/** Received RMS above this is the tone (about 0.35 at the source); below SILENT it is silence. */
const HEARD = 0.05;
const SILENT = 0.01;

let v: VoiceRoom;
before(async () => {
  v = await voiceRoom();
});
after(async () => {
  await v?.close();
});

it('three people hear each other, see who speaks, and a mute is silent within 500 ms', { timeout: 200_000 }, async () => {
  const pages: Page[] = [];
  const devices: string[] = [];
  for (const name of ['bob', 'carol', 'dave']) {
    const p = await v.open(name);
    pages.push(p);
    devices.push(await call(p, 'start', v.invite(), { name, meshLimit: 8 }));
  }
  for (const [i, p] of pages.entries()) {
    const others = devices.filter((_, j) => j !== i);
    const levels = await eventually(
      `page ${i} hears both others`,
      async () => {
        const l = await call(p, 'levels');
        if (others.every((d) => (l[d] ?? -1) > HEARD)) return l;
        throw new Error(
          `levels ${JSON.stringify(l)}, connections ${JSON.stringify(await call(p, 'connections'))}, stats ${JSON.stringify(await call(p, 'stats'))}, diagnostics ${JSON.stringify(await call(p, 'diagnostics'))}, alice ${JSON.stringify(Object.fromEntries(v.alice.ingest.rejections))}`,
        );
      },
      60_000,
      200,
    );
    process.stdout.write(`# page ${i} received levels: ${others.map((d) => (levels[d] ?? -1).toFixed(3)).join(', ')}\n`);
    assert.deepEqual((await call(p, 'topology')).mode, 'mesh');
    assert.equal((await call(p, 'connections')).length, 2);
    // The speaking indicators follow the levels at the engine's 100 ms poll: the level read above may be newer.
    for (const d of others) await eventually(`page ${i} shows ${d.slice(0, 8)} speaking`, () => call(p, 'speaking', d), 1_000, 50);
    // The microphone's bitrate is capped from the bandwidth each connection measures (loopback: the most speech needs).
    const caps = await call(p, 'bitrates');
    process.stdout.write(`# page ${i} microphone caps: ${JSON.stringify(Object.values(caps))}\n`);
    for (const d of others) assert.ok((caps[d] ?? 0) >= 12_000 && (caps[d] ?? 0) <= 64_000, `page ${i}: a cap on the link to ${d.slice(0, 8)}`);
  }

  // Bob mutes, three times: carol and dave measure when his level drops. The median of the six
  // delays meets the target; none may take a second (a loaded 2-core machine stalls a page now and then).
  const [bob, carol, dave] = pages as [Page, Page, Page];
  const delays: number[] = [];
  for (let trial = 0; trial < 3; trial++) {
    const waits = [call(carol, 'waitSilent', devices[0] as string, SILENT, 5_000), call(dave, 'waitSilent', devices[0] as string, SILENT, 5_000)];
    await new Promise((r) => setTimeout(r, 50));
    const mutedAt = await call(bob, 'setMuted', true);
    const silentAt = await Promise.all(waits);
    delays.push(...silentAt.map((t) => (t < 0 ? Number.POSITIVE_INFINITY : t - mutedAt)));
    if (trial === 0) await eventually('carol shows bob not speaking', async () => !(await call(carol, 'speaking', devices[0] as string)), 2_000);
    // Others keep speaking, and bob is heard again after unmuting.
    assert.ok(((await call(carol, 'levels'))[devices[2] as string] ?? 0) > HEARD, 'dave is still heard');
    await call(bob, 'setMuted', false);
    await eventually(
      'bob heard again',
      async () => ((await call(dave, 'levels'))[devices[0] as string] ?? 0) > HEARD && ((await call(carol, 'levels'))[devices[0] as string] ?? 0) > HEARD,
      5_000,
    );
  }
  const sorted = [...delays].sort((a, b) => a - b);
  const median = ((sorted[2] as number) + (sorted[3] as number)) / 2;
  process.stdout.write(`# mute -> silence at the listeners, 3 trials: ${delays.map((d) => `${d} ms`).join(', ')}; median ${median} ms\n`);
  assert.ok(median <= 500, `median silence after ${median} ms (target 500 ms)`);
  for (const d of delays) assert.ok(d <= 1_000, `silence after ${d} ms`);

  // The owner bans dave.
  process.stdout.write('# mute checked; banning dave\n');
  const before = (await call(bob, 'voiceKey')).epoch;
  const bannedAt = Date.now();
  await v.alice.ban(v.room, fromHex(await call(dave, 'account')));
  process.stdout.write(`# ban entry made after ${Date.now() - bannedAt} ms\n`);
  const daveDevice = devices[2] as string;
  for (const [i, p] of [bob, carol].entries())
    await eventually(
      `page ${i} drops dave from the call`,
      async () => !(await call(p, 'participants')).includes(daveDevice) && (await call(p, 'connections')).every((c) => c.device !== daveDevice),
      20_000,
      100,
    );
  process.stdout.write(`# ban -> dave out of both others' calls after ${Date.now() - bannedAt} ms\n`);
  await eventually("dave's own call ends", async () => (await call(dave, 'ended')) === 'removed', 20_000);
  const after = await eventually(
    'bob and carol seal under the next epoch',
    async () => {
      const [b, c] = [(await call(bob, 'voiceKey')).epoch, (await call(carol, 'voiceKey')).epoch];
      return b > before && b === c && b;
    },
    30_000,
  );
  await call(bob, 'keepSealed', 100);
  await new Promise((r) => setTimeout(r, 1500));
  const frames = await call(bob, 'sealedSample');
  assert.ok(frames.length >= 20, `bob sealed ${frames.length} frames in the sample`);
  assert.ok(
    frames.every((f) => f.epoch === after),
    'every frame after the ban is sealed under the new epoch',
  );
  const tried = await call(
    dave,
    'tryOpen',
    devices[0] as string,
    frames.map((f) => f.frame),
  );
  process.stdout.write(`# dave tried ${frames.length} of bob's post-ban frames: ${tried.opened} opened, refused ${JSON.stringify(tried.refused)}\n`);
  assert.equal(tried.opened, 0, 'the banned device opens none');
  // The two keep talking on the new epoch.
  await eventually('carol still hears bob', async () => ((await call(carol, 'levels'))[devices[0] as string] ?? 0) > HEARD, 10_000);
  for (const p of pages) await call(p, 'leave');
});
