import type { MemberStatus } from '@parley/protocol';

export type ShownStatus = MemberStatus | 'invisible';

const COLOR: Record<ShownStatus, string> = { online: '#23a55a', idle: '#f0b232', offline: '#80848e', invisible: '#80848e' };
export const STATUS_LABEL: Record<ShownStatus, string> = { online: 'Online', idle: 'Idle', offline: 'Offline', invisible: 'Invisible' };

/** The status dot on an avatar's corner (PROTOCOL 5.8); its words are for screen readers. */
export const StatusDot = ({ status }: { status: ShownStatus }) => (
  <span
    data-testid="status-dot"
    className="absolute -bottom-0.5 -right-0.5 h-3.5 w-3.5 rounded-full border-[3px] border-[#2b2d31]"
    style={{ backgroundColor: COLOR[status] }}
  >
    <span className="sr-only">{STATUS_LABEL[status]}</span>
  </span>
);
