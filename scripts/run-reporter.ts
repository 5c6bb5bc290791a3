/**
 * The node:test reporter test-all reads: one JSON object with the run's totals (passed, failed,
 * cancelled, from the run's closing 'test:summary'), how many tests each test file ran (from the
 * per-file summaries), and each failed test's name, file and error. test-all compares the files with
 * the suite's: a file that never reported (its process ended early, or the runner stopped before
 * starting it) is a failure, not silence. It prints the failures again at the end of the run, where a
 * log cut to its tail (as CI keeps it) still shows why.
 */
interface Summary {
  readonly file?: string;
  readonly counts: { readonly tests: number; readonly passed: number; readonly failed: number; readonly cancelled: number };
}

interface Fail {
  readonly name: string;
  readonly file?: string;
  readonly details: { readonly error?: { readonly failureType?: string; readonly message?: string; readonly cause?: unknown } };
}

/** One failed test: where, and its error's message (the test's own error, not node:test's wrapper). */
export interface Failure {
  readonly name: string;
  readonly file: string | undefined;
  readonly kind: string | undefined;
  readonly error: string;
}

export interface RunRecord {
  readonly total: { passed: number; failed: number; cancelled: number } | undefined;
  readonly files: Record<string, number>;
  readonly failures?: readonly Failure[];
}

/** The longest error text kept per failure, and the most failures kept per run. */
const ERROR_CHARS = 1_500;
const MAX_FAILURES = 30;

const errorText = (error: Fail['details']['error']): string => {
  const cause = error?.cause;
  const text =
    cause instanceof Error ? (cause.stack ?? `${cause.name}: ${cause.message}`) : cause !== undefined ? String(cause) : (error?.message ?? 'no error given');
  // node:test's own frames say nothing about the failure.
  const ours = text
    .split('\n')
    .filter((l) => !/^\s+at .*(node:internal|node:async_hooks|<anonymous>\)?$)/.test(l))
    .join('\n');
  return ours.length > ERROR_CHARS ? `${ours.slice(0, ERROR_CHARS)}…` : ours;
};

export default async function* runReporter(source: AsyncIterable<{ type: string; data: unknown }>): AsyncGenerator<string> {
  const files: Record<string, number> = {};
  const failures: Failure[] = [];
  let total: RunRecord['total'];
  for await (const e of source) {
    if (e.type === 'test:fail') {
      const f = e.data as Fail;
      const kind = f.details.error?.failureType;
      // A suite whose subtests failed repeats what those failures say.
      if (kind !== 'subtestsFailed' && failures.length < MAX_FAILURES) failures.push({ name: f.name, file: f.file, kind, error: errorText(f.details.error) });
      continue;
    }
    if (e.type !== 'test:summary') continue;
    const s = e.data as Summary;
    if (s.file !== undefined) files[s.file] = (files[s.file] ?? 0) + s.counts.tests;
    else total = { passed: s.counts.passed, failed: s.counts.failed, cancelled: s.counts.cancelled };
  }
  yield `${JSON.stringify({ total, files, failures } satisfies RunRecord)}\n`;
}
