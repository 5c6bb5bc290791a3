'use client';
/** Relay-only mode: new connections to other members go through a TURN relay, so they never learn this device's IP address. */
import { useParley } from '../../lib/parley/provider.tsx';
import { sectionClass, sectionTitleClass } from './section-style.ts';

export const PrivacySection = () => {
  const p = useParley();
  // What the running client does (it started with the stored choice), not only what was clicked.
  const on = p.client?.relayOnly ?? p.relayOnly;
  return (
    <section aria-labelledby="settings-privacy" className={sectionClass}>
      <h2 id="settings-privacy" className={sectionTitleClass}>
        Privacy
      </h2>
      <div className="flex items-start justify-between gap-4">
        <div>
          <p id="relay-only-label" className="font-medium text-[#f2f3f5]">
            Hide my IP address (relay only)
          </p>
          <p id="relay-only-help" className="text-sm text-[#b5bac1]">
            Connections to other members go through a hub’s relay instead of directly. Slower, and it needs a hub that offers a relay. Applies to new
            connections.
          </p>
        </div>
        <button
          type="button"
          role="switch"
          aria-checked={on}
          aria-labelledby="relay-only-label"
          aria-describedby="relay-only-help"
          onClick={() => p.setRelayOnly(!on)}
          className={`relative h-6 w-10 shrink-0 rounded-full transition-colors focus:outline-none focus:ring-2 focus:ring-white ${on ? 'bg-[#23a55a]' : 'bg-[#80848e]'}`}
        >
          <span className={`absolute top-0.5 h-5 w-5 rounded-full bg-white transition-all ${on ? 'left-[18px]' : 'left-0.5'}`} />
        </button>
      </div>
    </section>
  );
};
