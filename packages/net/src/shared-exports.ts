/** Everything @parley/net exports on every platform; index.ts / index.browser.ts add createParleyNode. */
export { type BootstrapAttempt, type BootstrapInit, type BootstrapLayer, Bootstrapper, MemoryPeerCache, type PeerCache } from './bootstrap.ts';
export { CHUNK_LIMITS, CHUNK_PROTOCOL, type ChunkErrorCode, type ChunkMessage, decodeChunkMessage, encodeChunkMessage } from './chunks/chunk-messages.ts';
export { type ChunkComponents, type ChunkInit, ChunkService, parleyChunks } from './chunks/chunk-service.ts';
export type { ChunkSink, ChunkSource, ChunkUpload } from './chunks/chunk-source.ts';
export { PARLEY_NAMESPACE, parleySelector, parleyValidator, parseDhtKey, type RecordVerifyContext } from './dht-records.ts';
export { NetError, type NetErrorCode, SyncProtocolError, SyncRemoteError, SyncTimeoutError, TurnError } from './errors.ts';
export {
  frameMessageId,
  frameShapeValidator,
  type GossipMessage,
  type GossipOutcome,
  type GossipRejection,
  type GossipValidator,
  type GossipVerdict,
  PARLEY_TOPIC_SCORE,
  RoomGossip,
} from './gossip.ts';
export { DEFAULTS, type DhtMode, HUB_RELAY_LIMITS, type ParleyNodeOptions, type RelayLimits, TEST_MODE, type VerifyHooks } from './options.ts';
export { DHT_PROTOCOL, ParleyNode, type ParleyServices, type PresenceInit } from './parley-node.ts';
export {
  type BlockedPeer,
  DEFAULT_PENALTY_POLICY,
  type Penalty,
  PenaltyBox,
  type PenaltyBoxInit,
  type PenaltyPolicy,
  type PenaltyPolicyInit,
  type PenaltyReason,
  resolvePenaltyPolicy,
} from './penalties.ts';
export { type AnnounceResult, type PresenceSource, Rendezvous, type RoomPeer, roomCid } from './rendezvous.ts';
export { type MessageStream, messageStream, TruncatedMessageError } from './sync/message-stream.ts';
export * from './sync/messages.ts';
export { type PutResult, parleySync, type SyncComponents, type SyncInit, SyncService } from './sync/service.ts';
export type { FrameSource, PutOutcome, SyncSink, SyncSource } from './sync/source.ts';
export { type PublishResult, TagListings, type TagListingsDeps, type TagRead } from './tag-listings.ts';
export { authorityTopic, channelTopic, type ParsedTopic, parseStatusTopic, parseTopic, parseTypingTopic, statusTopic, typingTopic } from './topics.ts';
export { fetchTurnCredentials, MAX_TURN_ANSWER, parseTurnAnswer, TURN_PROTOCOL, type TurnCredential } from './turn.ts';
