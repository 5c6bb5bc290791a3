/**
 * When a message reached this device (envelopes carry a Lamport clock, not a wall-clock time): time
 * of day for today, else the date too.
 */
export const MessageTime = ({ at }: { at: number }) => {
  const d = new Date(at);
  const today = new Date().toDateString() === d.toDateString();
  const text = today ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : d.toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });
  return (
    <time dateTime={d.toISOString()} title={`Received ${d.toLocaleString()}`} className="text-xs text-[#949ba4]">
      {text}
    </time>
  );
};
