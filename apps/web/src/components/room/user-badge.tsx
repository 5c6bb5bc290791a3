'use client';
import { useParley } from '../../lib/parley/provider.tsx';
import { Avatar } from './avatar.tsx';

/** Who this browser is: avatar and display name. */
export const UserBadge = () => {
  const { identity } = useParley();
  if (identity === undefined) return null;
  const { displayName, color } = identity.profile.body;
  return (
    <div className="flex items-center gap-2 px-1">
      <Avatar name={displayName} color={color} size={32} />
      <span data-testid="my-name" className="truncate text-sm font-semibold text-white">
        {displayName}
      </span>
    </div>
  );
};
