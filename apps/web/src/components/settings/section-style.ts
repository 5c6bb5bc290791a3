/** Classes the settings sections share (kept apart from settings-screen.tsx, which imports the sections). */
export const sectionClass = 'rounded-lg bg-[#2b2d31] p-5';
export const sectionTitleClass = 'mb-3 text-xs font-bold uppercase tracking-wide text-[#b5bac1]';
