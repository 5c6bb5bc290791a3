'use client';
/** The hubs this browser knows (the portal's bootstrap list) and whether each is connected now. */
import { useParley } from '../../lib/parley/provider.tsx';
import { sectionClass, sectionTitleClass } from './section-style.ts';

const hostOf = (addr: string): string => {
  const m = /^\/(?:ip4|ip6|dns4|dns6|dns)\/([^/]+)\/tcp\/(\d+)/.exec(addr);
  return m === null ? addr.split('/p2p/')[0] || addr : `${m[1]}:${m[2]}`;
};

export const HubsSection = () => {
  const p = useParley();
  const connected = new Set((p.client?.node.libp2p.getConnections() ?? []).map((c) => c.remotePeer.toString()));
  return (
    <section aria-labelledby="settings-hubs" className={sectionClass}>
      <h2 id="settings-hubs" className={sectionTitleClass}>
        Hubs
      </h2>
      <p className="mb-3 text-sm text-[#b5bac1]">
        Hubs keep your communities’ encrypted history while members are offline and help browsers find each other. They cannot read messages.
      </p>
      {p.config.bootstrap.length === 0 ? (
        <p className="text-sm text-[#dbdee1]">This browser knows no hub: communities live only while a member is online.</p>
      ) : (
        <ul data-testid="hubs" className="space-y-2">
          {p.config.bootstrap.map((a) => {
            const peer = a.split('/p2p/')[1] ?? '';
            const up = connected.has(peer);
            return (
              <li key={a} className="flex items-center gap-3 rounded bg-[#1e1f22] px-3 py-2">
                <span aria-hidden="true" className={`h-2.5 w-2.5 shrink-0 rounded-full ${up ? 'bg-[#23a55a]' : 'bg-[#80848e]'}`} />
                <span className="min-w-0 flex-1">
                  <span className="block truncate text-sm text-[#f2f3f5]">{hostOf(a)}</span>
                  <span className="block truncate font-mono text-xs text-[#949ba4]" title={peer}>
                    {peer.slice(0, 16)}…
                  </span>
                </span>
                <span className="text-xs text-[#b5bac1]">{up ? 'Connected' : 'Not connected'}</span>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
};
