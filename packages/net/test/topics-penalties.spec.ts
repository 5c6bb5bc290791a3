/** Topic names, the default gossip validator, Parley's topic score parameters and the penalty box. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTopicScoreParams, validateTopicScoreParams } from '@libp2p/gossipsub/score';
import { ProtocolError, toHex } from '@parley/protocol';
import {
  authorityTopic,
  channelTopic,
  frameShapeValidator,
  PARLEY_TOPIC_SCORE,
  PenaltyBox,
  parseStatusTopic,
  parseTopic,
  parseTypingTopic,
  roomCid,
  statusTopic,
  typingTopic,
} from '../src/index.ts';
import { crypto, testRoom } from './helpers.ts';

const room = new Uint8Array(32).fill(0xab);
const channel = new Uint8Array(16).fill(0xcd);

describe('topics', () => {
  it('names the authority and channel topics and parses them back', () => {
    assert.equal(authorityTopic(room), `/parley/room/${toHex(room)}/authority`);
    assert.equal(channelTopic(room, channel), `/parley/room/${toHex(room)}/ch/${toHex(channel)}`);
    assert.deepEqual(parseTopic(authorityTopic(room)), { room });
    assert.deepEqual(parseTopic(channelTopic(room, channel)), { room, channel });
  });

  it('names the typing and status topics; each parser takes only its own', () => {
    assert.equal(statusTopic(room), `/parley/room/${toHex(room)}/status`);
    assert.deepEqual(parseStatusTopic(statusTopic(room)), room);
    assert.deepEqual(parseTypingTopic(typingTopic(room)), room);
    for (const t of [statusTopic(room), typingTopic(room)]) assert.equal(parseTopic(t), undefined, t);
    assert.equal(parseStatusTopic(typingTopic(room)), undefined);
    assert.equal(parseTypingTopic(statusTopic(room)), undefined);
    assert.equal(parseStatusTopic(`${statusTopic(room)}/x`), undefined);
    assert.throws(() => statusTopic(new Uint8Array(31)), ProtocolError);
  });

  it('refuses ids that are not 32 bytes and parses nothing else', () => {
    assert.throws(() => authorityTopic(new Uint8Array(31)), ProtocolError);
    assert.throws(() => channelTopic(room, new Uint8Array(33)), ProtocolError);
    for (const t of ['/parley/room/AB/authority', `/parley/room/${toHex(room)}/ch/`, `/parley/room/${toHex(room)}/authority/x`, 'other'])
      assert.equal(parseTopic(t), undefined, t);
  });

  it('provides a room under a CID that is not the room id itself', () => {
    const cid = roomCid(room, crypto);
    assert.equal(cid.version, 1);
    assert.notDeepEqual(cid.multihash.digest, room);
    assert.deepEqual(roomCid(room, crypto).bytes, cid.bytes);
  });
});

describe('gossip defaults', () => {
  it('the default validator accepts a well-formed frame and throws the protocol error for garbage', () => {
    assert.equal(frameShapeValidator('t', testRoom('shape').genesis.bytes, 'p'), 'accept');
    assert.throws(() => frameShapeValidator('t', new TextEncoder().encode('garbage'), 'p'), ProtocolError);
  });

  it('Parley topic score parameters pass gossipsub’s own validation and punish invalid deliveries', () => {
    const p = createTopicScoreParams(PARLEY_TOPIC_SCORE);
    validateTopicScoreParams(p);
    assert.ok(p.invalidMessageDeliveriesWeight < 0);
    assert.equal(p.meshMessageDeliveriesWeight, 0);
  });
});

describe('PenaltyBox', () => {
  it('counts per peer and reason, tells listeners, and forgets the oldest peer past its bound', () => {
    const box = new PenaltyBox(2);
    const seen: string[] = [];
    const off = box.onPenalty((p) => seen.push(`${p.peer}:${p.reason}`));
    box.record('p1', 'sync-malformed');
    box.record('p1', 'sync-timeout');
    box.record('p2', 'gossip-reject');
    assert.equal(box.count('p1'), 2);
    assert.equal(box.count('p1', 'sync-timeout'), 1);
    off();
    box.record('p3', 'sync-oversize');
    assert.equal(box.count('p1'), 0, 'p1 forgotten');
    assert.equal(box.count('p3'), 1);
    assert.deepEqual(seen, ['p1:sync-malformed', 'p1:sync-timeout', 'p2:gossip-reject']);
  });
});
