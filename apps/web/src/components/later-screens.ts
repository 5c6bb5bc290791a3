/**
 * The screens after the profile step, in one chunk loaded after the first screen: they use the
 * client code, which the profile step does without (see parley-app.tsx).
 */

export { DiscoverScreen } from './directory/discover-screen.tsx';
export { CommunityStep } from './onboarding/community-step.tsx';
export { JoinFromLink } from './onboarding/join-from-link.tsx';
export { LinkFromCode } from './onboarding/link-from-code.tsx';
export { RoomScreen } from './room/room-screen.tsx';
export { SettingsScreen } from './settings/settings-screen.tsx';
