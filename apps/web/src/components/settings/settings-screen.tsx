'use client';
/** Settings, over the room: profile, recovery phrase, devices, hubs, privacy, the communities you list, storage used. Escape or "Close" goes back. */
import { useEffect } from 'react';
import { DevicesSection } from './devices-section.tsx';
import { DirectorySection } from './directory-section.tsx';
import { HubsSection } from './hubs-section.tsx';
import { PrivacySection } from './privacy-section.tsx';
import { ProfileSection } from './profile-section.tsx';
import { RecoverySection } from './recovery-section.tsx';
import { StorageSection } from './storage-section.tsx';

export const SettingsScreen = ({ onClose }: { onClose: () => void }) => {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    globalThis.addEventListener('keydown', onKey);
    return () => globalThis.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <main className="h-full overflow-y-auto bg-[#313338]">
      <div className="mx-auto max-w-2xl px-4 py-6 sm:px-8">
        <header className="sticky top-0 z-10 -mx-4 mb-4 flex items-center justify-between bg-[#313338] px-4 py-3 sm:-mx-8 sm:px-8">
          <h1 className="text-xl font-bold text-white">Settings</h1>
          <button
            type="button"
            onClick={onClose}
            className="flex items-center gap-2 rounded-full border border-[#b5bac1] px-3 py-1 text-sm text-[#dbdee1] hover:bg-[#35373c] focus:outline-none focus:ring-2 focus:ring-white"
          >
            <span aria-hidden="true">✕</span> Close <span className="hidden text-xs text-[#949ba4] sm:inline">Esc</span>
          </button>
        </header>
        <div className="space-y-6">
          <ProfileSection />
          <RecoverySection />
          <DevicesSection />
          <HubsSection />
          <PrivacySection />
          <DirectorySection />
          <StorageSection />
        </div>
      </div>
    </main>
  );
};
