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
}

const scope = globalThis as unknown as WorkerScope;
const transforms = new FrameTransforms((r) => scope.postMessage(r));

setInterval(() => transforms.checkQuiet(), 200);

scope.onmessage = (e) => {
  const m = e.data;
  if (m.t !== 'attach') {
    transforms.command(m);
    return;
  }
  const role = m.role;
  m.readable
    .pipeThrough(
      new TransformStream<EncodedFrame, EncodedFrame>({
        transform(frame, c) {
          const out = transforms.frame(role, frame.data);
          if (out === undefined) return;
          frame.data = out;
          c.enqueue(frame);
        },
      }),
    )
    .pipeTo(m.writable)
    .catch((e: unknown) => scope.postMessage({ t: 'broken', what: `${JSON.stringify(role)}: ${String(e)}`.slice(0, 300) } satisfies FrameReport));
};
