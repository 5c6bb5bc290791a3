/**
 * The microphone's Opus bitrate from the bandwidth the connection measures (WebRTC's congestion
 * control reports it as the selected candidate pair's `availableOutgoingBitrate`): a share of it,
 * between what keeps speech intelligible and what speech needs at its best. Audio is a small part of
 * most links, so this mostly matters on a poor one (a phone on a weak network, a loaded relay).
 */

/** Opus speech is intelligible from about 12 kbit/s (narrowband) and gains little above 64 kbit/s. */
export const MIN_VOICE_BPS = 12_000;
export const MAX_VOICE_BPS = 64_000;
/** The share of the measured bandwidth this link's audio may take (the rest absorbs bursts and other traffic). */
const SHARE = 0.5;

/**
 * The bitrate to cap the microphone's sender at: `share` of the measured `availableBps`, split over
 * the `streams` the connection sends, within [MIN_VOICE_BPS, MAX_VOICE_BPS]; MAX when nothing is
 * measured yet (the browser's own congestion control still applies).
 */
export const voiceBitrate = (availableBps: number | undefined, streams = 1): number => {
  if (availableBps === undefined || !Number.isFinite(availableBps) || availableBps <= 0) return MAX_VOICE_BPS;
  const each = (availableBps * SHARE) / Math.max(1, Math.floor(streams));
  return Math.round(Math.min(MAX_VOICE_BPS, Math.max(MIN_VOICE_BPS, each)));
};

/** Whether a sender's cap should move from `current` to `next`: only by more than 10% (each change costs the encoder a reconfiguration). */
export const bitrateChanged = (current: number | undefined, next: number): boolean => current === undefined || Math.abs(next - current) > current * 0.1;
