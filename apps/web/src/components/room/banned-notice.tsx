'use client';
/** What a banned person sees above the (disabled) composer: that they were banned, and what that means for what they read. */
export const BannedNotice = ({ roomName }: { roomName: string }) => (
  <div role="status" data-testid="banned" className="mb-2 rounded-lg border border-[#da373c] bg-[#da373c]/15 px-4 py-3">
    <p className="font-semibold text-white">You were banned from {roomName}</p>
    <p className="mt-1 text-sm text-[#dbdee1]">
      You cannot send messages or join again. What was sent before the ban stays readable here; newer messages are sealed to the remaining members, so they
      appear as locked.
    </p>
  </div>
);
