/**
 * The portal's side of the directory without a browser: which PARLEY_INDEXER values name an indexer,
 * the CSP's connect-src allowing exactly that origin, the checks on what an indexer answers (a row
 * out of bounds is dropped, a malformed page is a DirectoryError), and the card's join link being an
 * invite the protocol parser accepts for that room with no token and no addresses.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { nobleCrypto, parseInviteUrl, toHex } from '@parley/protocol';
import { contentSecurityPolicy } from '../src/lib/content-security-policy.ts';
import { DirectoryError, parseDirectoryRoom, postVote, searchDirectory } from '../src/lib/directory/indexer-api.ts';
import { listingInviteUrl } from '../src/lib/directory/listing-invite.ts';
import { indexerOrigin, portalConfig } from '../src/lib/portal-config.ts';

const ROOM = 'ab'.repeat(32);
const good = {
  room: ROOM,
  name: 'Chess Corner',
  description: 'Blitz',
  language: 'en',
  tags: ['gaming/chess'],
  color: 0x23a55a,
  activity: 2,
  votes: { up: 1, down: 0, score: 1 },
  firstSeen: 1_700_000_000_000,
  expiresAt: 1_700_003_600_000,
};

describe('PARLEY_INDEXER', () => {
  it('accepts https origins anywhere and http on loopback only, without path, query or credentials', () => {
    assert.equal(indexerOrigin('https://index.example.org'), 'https://index.example.org');
    assert.equal(indexerOrigin('https://index.example.org/'), 'https://index.example.org');
    assert.equal(indexerOrigin(' http://127.0.0.1:8090 '), 'http://127.0.0.1:8090');
    assert.equal(indexerOrigin('http://localhost:8090'), 'http://localhost:8090');
    assert.equal(indexerOrigin('http://[::1]:8090'), 'http://[::1]:8090');
    for (const bad of [
      undefined,
      '',
      'http://index.example.org',
      'https://index.example.org/v1',
      'https://index.example.org/?q=1',
      'https://user:pw@index.example.org',
      'ftp://index.example.org',
      'javascript:alert(1)',
      'not a url',
      `https://${'a'.repeat(300)}.org`,
    ])
      assert.equal(indexerOrigin(bad), undefined, String(bad));
    assert.equal(portalConfig({ PARLEY_INDEXER: 'https://index.example.org' }).indexer, 'https://index.example.org');
    assert.equal(portalConfig({}).indexer, undefined);
  });

  it('is the one HTTP origin besides the portal that connect-src allows', () => {
    const csp = contentSecurityPolicy('n', ['/ip4/127.0.0.1/tcp/4001/ws/p2p/12D3KooWx'], false, 'http://127.0.0.1:8090');
    const connect = csp.split('; ').find((d) => d.startsWith('connect-src')) ?? '';
    assert.equal(connect, "connect-src 'self' ws://127.0.0.1:4001 http://127.0.0.1:8090");
    const none = contentSecurityPolicy('n', [], false, undefined);
    assert.equal(
      none.split('; ').find((d) => d.startsWith('connect-src')),
      "connect-src 'self'",
    );
  });
});

describe('indexer answers', () => {
  let server: Server;
  let origin = '';
  let answer: { status: number; body: string } = { status: 200, body: '{}' };
  before(async () => {
    server = createServer((_req, res) => {
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('a room is shown only when every field is in bounds', () => {
    const { expiresAt: _, ...shown } = good;
    assert.deepEqual(parseDirectoryRoom(good), shown);
    for (const [k, v] of [
      ['room', 'AB'.repeat(32)],
      ['name', ''],
      ['name', 'x'.repeat(97)],
      ['description', 'x'.repeat(1025)],
      ['tags', Array.from({ length: 9 }, (_, i) => `t${i}`)],
      ['tags', 'gaming'],
      ['color', 0x1000000],
      ['activity', -1],
      ['votes', null],
      ['firstSeen', '1'],
    ] as const)
      assert.equal(parseDirectoryRoom({ ...good, [k]: v }), undefined, `${k} = ${JSON.stringify(v)?.slice(0, 20)}`);
    assert.equal(parseDirectoryRoom(null), undefined);
  });

  it('a page drops bad rows, and bad pages, 400s and 429s are DirectoryErrors of their kind', async () => {
    answer = { status: 200, body: JSON.stringify({ rooms: [good, { ...good, room: 'x' }], next: null, sort: 'activity' }) };
    const page = await searchDirectory(origin, { q: 'chess', tag: 'gaming' });
    assert.deepEqual(
      page.rooms.map((r) => r.room),
      [ROOM],
    );
    assert.equal(page.next, null);
    const kindOf = async (status: number, body: string) => {
      answer = { status, body };
      const e = await searchDirectory(origin, {}).then(
        () => undefined,
        (x: unknown) => x,
      );
      assert.ok(e instanceof DirectoryError, `${status} ${body}`);
      return e.kind;
    };
    assert.equal(await kindOf(200, JSON.stringify({ rooms: 'no', next: null })), 'bad-answer');
    assert.equal(await kindOf(200, JSON.stringify({ rooms: [], next: 5 })), 'bad-answer');
    assert.equal(await kindOf(200, 'not json'), 'unreachable');
    assert.equal(await kindOf(400, JSON.stringify({ error: 'bad-tag', message: 'tag must be a path' })), 'bad-query');
    assert.equal(await kindOf(429, JSON.stringify({ error: 'rate' })), 'rate-limited');
    assert.equal(await kindOf(500, JSON.stringify({ error: 'internal' })), 'unreachable');
    const closed = await searchDirectory('http://127.0.0.1:1', {}).then(
      () => undefined,
      (x: unknown) => x,
    );
    assert.ok(closed instanceof DirectoryError && closed.kind === 'unreachable');
  });

  it('a vote is counted or not as the indexer says; a refusal is a DirectoryError', async () => {
    answer = { status: 200, body: JSON.stringify({ counted: true }) };
    assert.equal(await postVote(origin, new Uint8Array([1, 2, 3])), true);
    answer = { status: 200, body: JSON.stringify({ counted: false }) };
    assert.equal(await postVote(origin, new Uint8Array([1, 2, 3])), false);
    answer = { status: 400, body: JSON.stringify({ error: 'invalid-vote', message: 'ERR_PROOF_OF_WORK' }) };
    const e = await postVote(origin, new Uint8Array([1])).then(
      () => undefined,
      (x: unknown) => x,
    );
    assert.ok(e instanceof DirectoryError && e.kind === 'bad-query');
  });
});

describe('the join link of a card', () => {
  it('is an invite to the listed room, with its name as the hint and no token or addresses', () => {
    const url = listingInviteUrl(ROOM, 'Chess Corner', 'http://127.0.0.1:3000');
    const invite = parseInviteUrl(url, nobleCrypto);
    assert.equal(toHex(invite.room), ROOM);
    assert.equal(invite.name, 'Chess Corner');
    assert.equal(invite.token, undefined);
    assert.deepEqual(invite.addrs, []);
    assert.equal(invite.heads, undefined);
  });
});
