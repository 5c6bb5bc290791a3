/** Avatar colours people pick from, and the colour and short handle shown for a key whose profile is not known here. */
export const AVATAR_COLORS: readonly { readonly name: string; readonly value: number }[] = [
  { name: 'Blurple', value: 0x5865f2 },
  { name: 'Green', value: 0x23a55a },
  { name: 'Yellow', value: 0xf0b232 },
  { name: 'Red', value: 0xf23f43 },
  { name: 'Pink', value: 0xeb459f },
  { name: 'Teal', value: 0x1abc9c },
];

export const cssColor = (rgb: number): string => `#${rgb.toString(16).padStart(6, '0')}`;

/** A stable colour for an account key (first bytes pick one of the palette). */
export const colorForKey = (key: Uint8Array): number => {
  const i = ((key[0] ?? 0) + (key[1] ?? 0)) % AVATAR_COLORS.length;
  return AVATAR_COLORS[i]?.value ?? 0x5865f2;
};

export const shortHandle = (hex: string): string => `member-${hex.slice(0, 6)}`;

/** The colour for text in `rgb` on the dark background: mixed halfway to white, so names keep WCAG AA contrast. */
export const textColor = (rgb: number): string => {
  const mix = (shift: number) => Math.round(((rgb >> shift) & 0xff) / 2 + 0x80);
  return `rgb(${mix(16)}, ${mix(8)}, ${mix(0)})`;
};
