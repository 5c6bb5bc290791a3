/** The little a pool needs from a worker, so Node worker_threads and browser Workers plug in alike. */
export interface WorkerPort {
  post(batch: ArrayBuffer): void;
  onResult(handler: (results: Uint8Array) => void): void;
  /** The worker died (error or exit); its in-flight batch is lost and the pool re-queues it. */
  onFailure(handler: (error: Error) => void): void;
  terminate(): Promise<void>;
}

export type SpawnWorker = () => WorkerPort;
