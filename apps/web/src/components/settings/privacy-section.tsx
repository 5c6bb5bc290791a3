'use client';
/**
 * Privacy: relay-only mode (new connections to other members go through a TURN relay, so they never
 * learn this device's IP address) and appearing offline (no status signals at all).
 */
import { useParley } from '../../lib/parley/provider.tsx';
import { sectionClass, sectionTitleClass } from './section-style.ts';

const SwitchRow = ({ id, label, help, on, toggle }: { id: string; label: string; help: string; on: boolean; toggle: () => void }) => (
  <div className="flex items-start justify-between gap-4">
    <div>
      <p id={`${id}-label`} className="font-medium text-[#f2f3f5]">
        {label}
      </p>
      <p id={`${id}-help`} className="text-sm text-[#b5bac1]">
        {help}
      </p>
    </div>
    <button
      type="button"
      role="switch"
      aria-checked={on}
      aria-labelledby={`${id}-label`}
      aria-describedby={`${id}-help`}
      onClick={toggle}
      className={`relative h-6 w-10 shrink-0 rounded-full transition-colors focus:outline-none focus:ring-2 focus:ring-white ${on ? 'bg-[#23a55a]' : 'bg-[#80848e]'}`}
    >
      <span className={`absolute top-0.5 h-5 w-5 rounded-full bg-white transition-all ${on ? 'left-[18px]' : 'left-0.5'}`} />
    </button>
  </div>
);

export const PrivacySection = () => {
  const p = useParley();
  // What the running client does (it started with the stored choice), not only what was clicked.
  const relayOnly = p.client?.relayOnly ?? p.relayOnly;
  return (
    <section aria-labelledby="settings-privacy" className={sectionClass}>
      <h2 id="settings-privacy" className={sectionTitleClass}>
        Privacy
      </h2>
      <div className="space-y-4">
        <SwitchRow
          id="relay-only"
          label="Hide my IP address (relay only)"
          help="Connections to other members go through a hub’s relay instead of directly. Slower, and it needs a hub that offers a relay. Applies to new connections."
          on={relayOnly}
          toggle={() => p.setRelayOnly(!relayOnly)}
        />
        <SwitchRow
          id="appear-offline"
          label="Appear offline"
          help="Members see you as offline and are not told when you come and go. You can still read and send as usual."
          on={p.invisible}
          toggle={() => p.setInvisible(!p.invisible)}
        />
      </div>
    </section>
  );
};
