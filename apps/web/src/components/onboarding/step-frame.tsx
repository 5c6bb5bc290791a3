import type { ReactNode } from 'react';

/** The card every onboarding step sits in, with its "step n of 3" line. */
export const StepFrame = ({ step, title, children }: { step: number; title: string; children: ReactNode }) => (
  <main className="flex min-h-full items-center justify-center bg-[#313338] p-4">
    <section aria-labelledby="step-title" className="w-full max-w-md rounded-lg bg-[#2b2d31] p-6 shadow-xl">
      <p className="mb-1 text-xs font-semibold uppercase tracking-wide text-[#b5bac1]">Step {step} of 3</p>
      <h1 id="step-title" className="mb-4 text-2xl font-bold text-white">
        {title}
      </h1>
      {children}
    </section>
  </main>
);

export const inputClass = 'w-full rounded bg-[#1e1f22] px-3 py-2 text-[#f2f3f5] outline-none focus:ring-2 focus:ring-[#5865f2]';
export const buttonClass =
  'rounded bg-[#5865f2] px-4 py-2 font-semibold text-white hover:bg-[#4752c4] focus:outline-none focus:ring-2 focus:ring-white disabled:opacity-50';
export const labelClass = 'mb-1 block text-xs font-bold uppercase tracking-wide text-[#b5bac1]';
