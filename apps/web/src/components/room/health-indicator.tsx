'use client';
import { describeHealth, type Health } from '../../lib/parley/health.ts';
import { useParley } from '../../lib/parley/provider.tsx';
import { useHealth } from '../../lib/parley/use-health.ts';

/**
 * One line: a dot (green: hub reachable; yellow: peers only; red: offline), then how the other peers
 * are reached: direct WebRTC, through a TURN relay, or through the hub's circuit relay.
 */
export const HealthLine = ({ health: h }: { health: Health }) => {
  const { state, label, detail } = describeHealth(h);
  const dot = state === 'ok' ? 'bg-[#23a55a]' : state === 'peers' ? 'bg-[#f0b232]' : 'bg-[#f23f43]';
  return (
    <div
      data-testid="health"
      data-hub={h.hub}
      data-peers={h.peers}
      data-direct={h.direct}
      data-turn={h.turn}
      data-circuit={h.circuit}
      className="flex items-center gap-2 px-1 text-xs text-[#b5bac1]"
      title={`Connection health${h.relayOnly ? ' (relay-only: peers never see your IP address)' : ''}`}
    >
      <span aria-hidden="true" className={`h-2.5 w-2.5 shrink-0 rounded-full ${dot}`} />
      <span role="status">
        {label} · {detail}
      </span>
    </div>
  );
};

export const HealthIndicator = () => {
  const p = useParley();
  return <HealthLine health={useHealth(p.client, p.config.bootstrap)} />;
};
