/** Whether apps/web needs `next build` before `next start`: no build yet, or a source file newer than it. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const newest = (dir: string): number => {
  let t = 0;
  if (!existsSync(dir)) return t;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
};

export const portalBuildIsStale = (root: string): boolean => {
  const id = join(root, 'apps/web/.next/BUILD_ID');
  if (!existsSync(id)) return true;
  const built = statSync(id).mtimeMs;
  const sources = [join(root, 'apps/web/src'), ...readdirSync(join(root, 'packages')).map((p) => join(root, 'packages', p, 'src'))];
  return sources.some((d) => newest(d) > built);
};
