/**
 * @parley/voice — the browser voice engine of a Parley voice channel: WebRTC audio over the
 * room's signalling (a VoiceLink from @parley/client), a full mesh up to a room's limit and an
 * elected forwarder above it, Opus with DTX and in-band FEC, mute, deafen, speaking levels through
 * WebAudio, per-person volume, and end-to-end encrypted frames (encoded transforms in a worker) that a
 * forwarder relays without being able to open. Browser only (RTCPeerConnection, WebAudio).
 *
 * @example
 * ```ts
 * import { VoiceLink } from '@parley/client';
 * import { VoiceEngine } from '@parley/voice';
 * const call = await VoiceEngine.join({ link: new VoiceLink(client, room, voiceChannel) });
 * call.on('speaking', ({ device, speaking }) => render(device, speaking));
 * call.setMuted(true);
 * await call.leave();
 * ```
 */
export { AudioGraph } from './audio-graph.ts';
export { bitrateChanged, MAX_VOICE_BPS, MIN_VOICE_BPS, voiceBitrate } from './bitrate.ts';
export { ForwarderRelay } from './forwarder-relay.ts';
export { type FrameCommand, type FrameCounts, type FrameReport, type FrameRole, FrameTransforms, QUIET_MS } from './frame-transform.ts';
export { defaultFrameWorker, type FrameTap, FrameWorker, type MakeFrameWorker } from './frame-worker-client.ts';
export { PeerLink, parsePayload, type SessionPayload } from './peer-link.ts';
export { type Participant, Roster } from './roster.ts';
export { enableOpusDtxFec } from './sdp.ts';
export {
  type LinkQuality,
  type VoiceEndReason,
  VoiceEngine,
  type VoiceEngineEvents,
  type VoiceEngineOptions,
  type VoiceInputMode,
  type VoiceTopologyState,
} from './voice-engine.ts';
