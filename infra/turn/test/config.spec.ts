/**
 * parley-turn's configuration and generated turnserver.conf: defaults, env under flags, typed errors
 * naming the option, no value can add a line or a directive to the file (property), production
 * denies private ranges, loopback mode allows loopback peers and nothing else.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseTurnConfig, TURN_OPTIONS, TurnConfigError, turnHelpText, turnserverConf } from '../src/index.ts';

const SECRET = 'a-test-secret-of-24-chars';
const lines = (conf: string): string[] => conf.split('\n').filter((l) => l !== '' && !l.startsWith('#'));

describe('parley-turn configuration', () => {
  it('has production defaults: all addresses, 3478, relay range, private ranges denied, no TLS without certs', () => {
    const c = parseTurnConfig(['--secret', SECRET, '--realm', 'turn.example.org'], {});
    assert.equal(c.port, 3478);
    assert.equal(c.loopback, false);
    const l = lines(turnserverConf(c));
    assert.ok(l.includes('use-auth-secret'));
    assert.ok(l.includes(`static-auth-secret=${SECRET}`));
    assert.ok(l.includes('realm=turn.example.org'));
    assert.ok(l.includes('denied-peer-ip=127.0.0.0-127.255.255.255'));
    assert.ok(l.includes('denied-peer-ip=10.0.0.0-10.255.255.255'));
    assert.ok(!l.includes('allow-loopback-peers'));
    assert.ok(l.includes('no-tls'));
    assert.ok(!l.some((x) => x.startsWith('listening-ip=')), 'listens on every address by default');
  });

  it('loopback mode listens and relays on 127.0.0.1, allows loopback peers, denies nothing', () => {
    const l = lines(turnserverConf(parseTurnConfig(['--secret', SECRET, '--loopback', '--port=40000'], {})));
    assert.ok(l.includes('listening-ip=127.0.0.1'));
    assert.ok(l.includes('relay-ip=127.0.0.1'));
    assert.ok(l.includes('listening-port=40000'));
    assert.ok(l.includes('allow-loopback-peers'));
    assert.ok(!l.some((x) => x.startsWith('denied-peer-ip=')));
  });

  it('TLS with both files: turns: port, certificate, key, old TLS versions off', () => {
    const c = parseTurnConfig(['--secret', SECRET, '--cert', '/etc/ssl/fullchain.pem', '--pkey', '/etc/ssl/privkey.pem', '--tls-port', '443'], {});
    const l = lines(turnserverConf(c));
    assert.ok(l.includes('tls-listening-port=443'));
    assert.ok(l.includes('cert=/etc/ssl/fullchain.pem'));
    assert.ok(l.includes('pkey=/etc/ssl/privkey.pem'));
    assert.ok(l.includes('no-tlsv1'));
    assert.ok(!l.includes('no-tls'));
  });

  it('reads env and lets flags win; masks the secret when printing', () => {
    const c = parseTurnConfig(['--port', '4000'], { PARLEY_TURN_SECRET: SECRET, PARLEY_TURN_PORT: '5000', PARLEY_TURN_REALM: 'r.example' });
    assert.equal(c.port, 4000);
    assert.equal(c.realm, 'r.example');
    assert.ok(!turnserverConf(c, { maskSecret: true }).includes(SECRET));
  });

  it('refuses bad input with a TurnConfigError naming the option', () => {
    const bad: [string[], string][] = [
      [[], 'secret'],
      [['--secret', 'short'], 'secret'],
      [['--secret', SECRET, '--port', '70000'], 'port'],
      [['--secret', SECRET, '--min-port', '6000', '--max-port', '5000'], 'min-port'],
      [['--secret', SECRET, '--cert', '/x.pem'], 'pkey'],
      [['--secret', SECRET, '--listen-ip', '1.2.3.4,evil host'], 'listen-ip'],
      [['--secret', SECRET, '--realm', 'a b'], 'realm'],
      [['--secret', SECRET, '--nope'], 'nope'],
      [['--secret', SECRET, '--external-ip', 'example.org'], 'external-ip'],
      [['--secret', SECRET, '--external-ip', '0'], 'external-ip'],
      [['--secret', SECRET, '--external-ip', '203.0.113.5/10.0.0.5/10.0.0.6'], 'external-ip'],
      [['--secret', SECRET, '--loopback', '--cert', '/a', '--pkey', '/b'], 'loopback'],
    ];
    for (const [argv, option] of bad) {
      assert.throws(
        () => parseTurnConfig(argv, {}),
        (e: unknown) => e instanceof TurnConfigError && e.option === option,
        `${argv.join(' ')} -> ${option}`,
      );
    }
  });

  it('no flag value can add a line or a directive to the file (property)', () => {
    const valueFlags = TURN_OPTIONS.filter((o) => o.kind === 'string' && o.flag !== 'cert' && o.flag !== 'pkey');
    fc.assert(
      fc.property(fc.constantFrom(...valueFlags.map((o) => o.flag)), fc.string({ unit: 'grapheme', maxLength: 40 }), (flag, value) => {
        const argv = flag === 'secret' ? [`--secret=${value}`] : ['--secret', SECRET, `--${flag}=${value}`];
        let conf: string;
        try {
          conf = turnserverConf(parseTurnConfig(argv, {}));
        } catch (e) {
          assert.ok(e instanceof TurnConfigError, `only TurnConfigError, got ${String(e)}`);
          return;
        }
        // A valid address adds its own directive and nothing else.
        const keys = lines(conf)
          .map((l) => l.split('=')[0])
          .filter((k) => !(flag === 'external-ip' && k === 'external-ip'));
        const expected = lines(turnserverConf(parseTurnConfig(['--secret', SECRET], {}))).map((l) => l.split('=')[0]);
        assert.deepEqual(keys, expected, `value ${JSON.stringify(value)} for --${flag} changed the directives`);
      }),
      { numRuns: 2000 },
    );
  });

  it('--help lists every option with its variable', () => {
    const h = turnHelpText();
    for (const o of TURN_OPTIONS) {
      assert.ok(h.includes(`--${o.flag}`), o.flag);
      if (o.env !== '') assert.ok(h.includes(o.env), o.env);
    }
  });
});
