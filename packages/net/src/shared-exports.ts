/** Everything @parley/net exports on every platform; index.ts / index.browser.ts add createParleyNode. */
export { type BootstrapAttempt, type BootstrapInit, type BootstrapLayer, Bootstrapper, MemoryPeerCache, type PeerCache } from './bootstrap.ts';
export { PARLEY_NAMESPACE, parleySelector, parleyValidator, parseDhtKey, type RecordVerifyContext } from './dht-records.ts';
export { NetError, type NetErrorCode, SyncProtocolError, SyncRemoteError, SyncTimeoutError } from './errors.ts';
export { frameMessageId, frameShapeValidator, type GossipMessage, type GossipValidator, type GossipVerdict, PARLEY_TOPIC_SCORE, RoomGossip } from './gossip.ts';
export { DEFAULTS, type DhtMode, type ParleyNodeOptions, TEST_MODE, type VerifyHooks } from './options.ts';
export { DHT_PROTOCOL, ParleyNode, type ParleyServices, type PresenceInit } from './parley-node.ts';
export { type Penalty, PenaltyBox, type PenaltyReason } from './penalties.ts';
export { type AnnounceResult, type PresenceSource, Rendezvous, type RoomPeer, roomCid } from './rendezvous.ts';
export { type MessageStream, messageStream } from './sync/message-stream.ts';
export * from './sync/messages.ts';
export { type PutResult, parleySync, type SyncComponents, type SyncInit, SyncService } from './sync/service.ts';
export type { FrameSource, PutOutcome, SyncSink, SyncSource } from './sync/source.ts';
export { authorityTopic, channelTopic, type ParsedTopic, parseTopic } from './topics.ts';
