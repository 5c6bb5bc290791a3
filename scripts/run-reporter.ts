/**
 * The node:test reporter test-all reads: one JSON object with the run's totals (passed, failed,
 * cancelled, from the run's closing 'test:summary') and how many tests each test file ran (from the
 * per-file summaries). test-all compares the files with the suite's: a file that never reported (its
 * process ended early, or the runner stopped before starting it) is a failure, not silence.
 */
interface Summary {
  readonly file?: string;
  readonly counts: { readonly tests: number; readonly passed: number; readonly failed: number; readonly cancelled: number };
}

export interface RunRecord {
  readonly total: { passed: number; failed: number; cancelled: number } | undefined;
  readonly files: Record<string, number>;
}

export default async function* runReporter(source: AsyncIterable<{ type: string; data: unknown }>): AsyncGenerator<string> {
  const files: Record<string, number> = {};
  let total: RunRecord['total'];
  for await (const e of source) {
    if (e.type !== 'test:summary') continue;
    const s = e.data as Summary;
    if (s.file !== undefined) files[s.file] = (files[s.file] ?? 0) + s.counts.tests;
    else total = { passed: s.counts.passed, failed: s.counts.failed, cancelled: s.counts.cancelled };
  }
  yield `${JSON.stringify({ total, files } satisfies RunRecord)}\n`;
}
