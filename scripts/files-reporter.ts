/**
 * A node:test reporter that writes, as one JSON object, how many tests each test file ran (from the
 * per-file 'test:summary' events). test-all compares it with the suite's files: a file that never
 * reported (its process ended early, or the runner stopped before starting it) is a failure, not silence.
 */
interface Summary {
  readonly file?: string;
  readonly counts: { readonly tests: number };
}

export default async function* filesReporter(source: AsyncIterable<{ type: string; data: unknown }>): AsyncGenerator<string> {
  const files: Record<string, number> = {};
  for await (const e of source) {
    if (e.type !== 'test:summary') continue;
    const s = e.data as Summary;
    if (s.file !== undefined) files[s.file] = (files[s.file] ?? 0) + s.counts.tests;
  }
  yield `${JSON.stringify(files)}\n`;
}
