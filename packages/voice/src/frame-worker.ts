/**
 * The voice engine's frame worker (a dedicated module Worker, one per call): every encoded audio
 * frame of the call passes through here. The engine takes each sender's and receiver's encoded
 * streams (Chromium's `createEncodedStreams()` on a peer connection made with
 * `encodedInsertableStreams: true`) and transfers them here with the transform's role
 * (frame-transform.ts says what each does). Keeping them off the page's main thread is what lets a
 * forwarder relay a dozen streams while the page's libp2p node, gossip and UI keep their timers:
 * with the transforms on the main thread it fell seconds behind.
 */
import { type FrameCommand, type FrameReport, type FrameRole, FrameTransforms } from './frame-transform.ts';

interface EncodedFrame {
  data: ArrayBuffer;
}
/** Chromium's copy constructor for encoded audio frames (a deep copy, metadata included). */
type EncodedFrameCopier = new (original: EncodedFrame) => EncodedFrame;
/** The engine's message that hands over one sender's or receiver's encoded streams. */
export interface FrameAttach {
  readonly t: 'attach';
  readonly role: FrameRole;
  readonly readable: ReadableStream<EncodedFrame>;
  readonly writable: WritableStream<EncodedFrame>;
}
interface WorkerScope {
  postMessage(m: unknown): void;
  onmessage: ((e: MessageEvent<FrameCommand | FrameAttach>) => void) | null;
  RTCEncodedAudioFrame?: EncodedFrameCopier;
}

/** Frames a relay sender's stream may hold unsent before the next are skipped (a few: 20 ms each). */
const RELAY_DEPTH = 6;

const scope = globalThis as unknown as WorkerScope;
const transforms = new FrameTransforms<EncodedFrame>((r) => scope.postMessage(r));

setInterval(() => transforms.checkQuiet(), 200);

const broken = (role: FrameRole, e: unknown): void =>
  scope.postMessage({ t: 'broken', what: `${JSON.stringify(role)}: ${String(e)}`.slice(0, 300) } satisfies FrameReport);

/**
 * A forwarder's relay sender: copies of the speaker's received frames are written into its stream
 * (it holds no track, so nothing comes from its readable). Its stream breaking (the link closed)
 * detaches it.
 */
const attachRelay = (role: Extract<FrameRole, { role: 'relay' }>, writable: WritableStream<EncodedFrame>): void => {
  const Copy = scope.RTCEncodedAudioFrame;
  if (Copy === undefined) {
    broken(role, 'this browser cannot copy encoded frames (no RTCEncodedAudioFrame constructor): it cannot forward');
    return;
  }
  const writer = writable.getWriter();
  const sink = (source: EncodedFrame): boolean => {
    const room = writer.desiredSize;
    if (room === null || room <= -RELAY_DEPTH) return false;
    writer.write(new Copy(source)).catch(() => transforms.relay.detach(role.listener, role.speaker, sink));
    return true;
  };
  transforms.relay.attach(role.listener, role.speaker, sink);
  writer.closed.catch(() => transforms.relay.detach(role.listener, role.speaker, sink));
};

scope.onmessage = (e) => {
  const m = e.data;
  if (m.t !== 'attach') {
    transforms.command(m);
    return;
  }
  const role = m.role;
  if (role.role === 'relay') {
    attachRelay(role, m.writable);
    return;
  }
  m.readable
    .pipeThrough(
      new TransformStream<EncodedFrame, EncodedFrame>({
        transform(frame, c) {
          const out = transforms.frame(role, frame.data, frame);
          if (out === undefined) return;
          frame.data = out;
          c.enqueue(frame);
        },
      }),
    )
    .pipeTo(m.writable)
    .catch((e: unknown) => broken(role, e));
};
