/**
 * Fails if any import cycle exists inside or between our packages (madge over every workspace's
 * sources), or if packages/protocol imports I/O, networking, storage or UI code.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import madge from 'madge';

const root = new URL('..', import.meta.url).pathname;
const dirs = ['packages', 'services', 'apps']
  .flatMap((top) => {
    try {
      return readdirSync(join(root, top)).map((d) => join(root, top, d, 'src'));
    } catch {
      return [];
    }
  })
  .filter((d) => {
    try {
      return statSync(d).isDirectory();
    } catch {
      return false;
    }
  });

const result = await madge(dirs, { fileExtensions: ['ts', 'tsx'], detectiveOptions: { ts: { skipTypeImports: true } } });
const cycles = result.circular();
let bad = 0;
if (cycles.length > 0) {
  console.error(`import cycles (${cycles.length}):`);
  for (const c of cycles) console.error(`  ${c.join(' -> ')}`);
  bad++;
}

// The protocol core stays pure: no I/O, networking, storage or UI imports (node:crypto only in its own port file).
const forbidden = /from '(node:(?!crypto)[a-z_/]+|libp2p|@libp2p\/[^']+|yjs|y-indexeddb|react|next|drizzle-orm|postgres|@electric-sql\/[^']+)'/;
const walk = (d: string): string[] =>
  readdirSync(d).flatMap((n) => {
    const p = join(d, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
for (const file of walk(join(root, 'packages/protocol/src'))) {
  const text = readFileSync(file, 'utf8');
  const m = forbidden.exec(text);
  if (m) {
    console.error(`protocol core imports ${m[1]} in ${file}`);
    bad++;
  }
  if (/from 'node:crypto'/.test(text) && !file.endsWith('crypto/node-crypto.ts')) {
    console.error(`node:crypto outside the crypto port in ${file}`);
    bad++;
  }
}
const files = Object.keys(result.obj()).length;
if (bad === 0) console.log(`no import cycles in ${files} files across ${dirs.length} packages; protocol core is pure`);
process.exit(bad === 0 ? 0 : 1);
