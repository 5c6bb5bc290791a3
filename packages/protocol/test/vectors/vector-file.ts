/**
 * Shape of one frozen test-vector file under test/vectors/ (see README.md there).
 *
 * Single-frame files carry `hex` per case; scenario files (authority replay, history views)
 * carry `frames` instead, plus an `expect` object describing the outcome. Every invalid case
 * names the typed error code it must raise and a `note` saying which rule it breaks.
 */

/** A JSON value, so `expect` stays serialisable and comparable byte for byte. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface ValidVector {
  /** Short unique name within the file. */
  name: string;
  /** One encoded frame, lowercase hex. */
  hex?: string;
  /** A sequence of encoded frames (lowercase hex), for scenario files. */
  frames?: string[];
  /** Expected content id (sha256, lowercase hex) of `hex`. */
  id?: string;
  /** Expected decoded fields or scenario outcome (accepted ids, rejected ids, state digest...). */
  expect?: { [key: string]: JsonValue };
}

export interface InvalidVector {
  name: string;
  hex?: string;
  frames?: string[];
  /** The error code the decoder/validator must raise, e.g. `ERR_SIGNATURE`. */
  error: string;
  /** Which rule this case breaks, in plain words. Never empty. */
  note: string;
}

export interface VectorFile {
  /** What kind of object the vectors exercise, e.g. `ENVELOPE`, `DEVICE_CERT`, `AUTHORITY_REPLAY`. */
  type: string;
  description: string;
  valid: ValidVector[];
  invalid: InvalidVector[];
}

/** What every `gen-*.ts` beside this file exports: file name (e.g. `envelope.json`) -> contents. */
export type VectorGenerator = () => Record<string, VectorFile>;
