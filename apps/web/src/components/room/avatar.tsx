import { cssColor } from '../../lib/parley/colors.ts';

/** A round avatar: the name's first letter on the person's colour. */
export const Avatar = ({ name, color, size = 40 }: { name: string; color: number; size?: number }) => (
  <span
    aria-hidden="true"
    className="flex shrink-0 items-center justify-center rounded-full font-semibold text-white"
    style={{ background: cssColor(color), width: size, height: size, fontSize: size * 0.42 }}
  >
    {(name.trim()[0] ?? '?').toUpperCase()}
  </span>
);
