/** parley-hub's configuration: flags over env, defaults, typed errors, and --help covering every option. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ConfigError, helpText, OPTIONS, parseConfig } from '../src/index.ts';

describe('hub configuration', () => {
  it('has production defaults', () => {
    const c = parseConfig([], {});
    assert.deepEqual(c.listen, ['/ip4/0.0.0.0/tcp/4001/ws']);
    assert.deepEqual(c.http, { host: '127.0.0.1', port: 8080 });
    assert.equal(c.dataDir, './data/hub');
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.storage, true);
    assert.equal(c.relay, true);
    assert.equal(c.testMode, false);
    assert.equal(c.adminToken, undefined);
  });

  it('reads env and lets flags win', () => {
    const env = {
      DATABASE_URL: 'postgres://x@h/db',
      PARLEY_HUB_HTTP: '0.0.0.0:9000',
      PARLEY_HUB_LISTEN: '/ip4/1.2.3.4/tcp/1/ws',
      PARLEY_HUB_NO_STORAGE: 'true',
    };
    const c = parseConfig(['--http', '127.0.0.1:9100', '--listen=/ip4/127.0.0.1/tcp/0/ws,/ip4/127.0.0.1/tcp/0'], env);
    assert.equal(c.databaseUrl, 'postgres://x@h/db');
    assert.deepEqual(c.http, { host: '127.0.0.1', port: 9100 });
    assert.deepEqual(c.listen, ['/ip4/127.0.0.1/tcp/0/ws', '/ip4/127.0.0.1/tcp/0']);
    assert.equal(c.storage, false);
    assert.equal(parseConfig(['--no-storage=false'], env).storage, true);
  });

  it('names the bad option', () => {
    const bad: [string[], Record<string, string>, RegExp][] = [
      [['--nope'], {}, /--nope: unknown option/],
      [['--http', 'localhost'], {}, /--http/],
      [['--http', '1.2.3.4:70000'], {}, /--http/],
      [['--max-object-bytes', '-1'], {}, /--max-object-bytes/],
      [[], { PARLEY_HUB_TURN_TTL: '5' }, /PARLEY_HUB_TURN_TTL/],
      [['--log-level', 'loud'], {}, /--log-level/],
      [['--admin-token', 'short'], {}, /--admin-token/],
      [['--listen'], {}, /needs a value/],
      [['positional'], {}, /unexpected argument/],
    ];
    for (const [argv, env, re] of bad)
      assert.throws(
        () => parseConfig(argv, env),
        (e: Error) => e instanceof ConfigError && re.test(e.message),
        argv.join(' '),
      );
  });

  it('never throws anything but ConfigError (property)', () => {
    const flag = fc.oneof(fc.constantFrom(...OPTIONS.map((o) => `--${o.flag}`)), fc.string({ maxLength: 12 }));
    fc.assert(
      fc.property(
        fc.array(fc.oneof(flag, fc.string({ maxLength: 30 })), { maxLength: 8 }),
        fc.dictionary(fc.constantFrom(...OPTIONS.map((o) => o.env).filter((e) => e !== '')), fc.string({ maxLength: 30 })),
        (argv, env) => {
          try {
            parseConfig(argv, env);
          } catch (e) {
            if (!(e instanceof ConfigError)) throw e;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('--help lists every option with its variable', () => {
    const h = helpText();
    for (const o of OPTIONS) {
      assert.ok(h.includes(`--${o.flag}`), o.flag);
      if (o.env !== '') assert.ok(h.includes(o.env), o.env);
    }
  });
});
