/**
 * An iterative pre-scan of CBOR bytes that enforces Parley's subset before any decoder allocates:
 * nesting depth, item counts, declared lengths against remaining bytes, and only the major types the
 * protocol uses (unsigned/negative ints, byte and text strings, arrays, maps, false/true/null).
 * No tags, no floats, no indefinite lengths. A hostile "1 GB" length fails here in O(1).
 */
import { DecodeError, LimitError } from '../errors.ts';
import { LIMITS } from '../limits.ts';

export const scanCbor = (b: Uint8Array, field: string): void => {
  // Stack of remaining child counts for open containers.
  const stack: number[] = [];
  let pos = 0;
  let items = 0;
  let roots = 0;
  while (true) {
    if (stack.length === 0) {
      if (roots === 1) break;
      roots++;
    }
    if (pos >= b.length) throw new DecodeError(field, 'truncated CBOR');
    const ib = b[pos++] as number;
    const major = ib >> 5;
    const info = ib & 0x1f;
    let arg: number;
    if (info < 24) arg = info;
    else if (info === 24 || info === 25 || info === 26 || info === 27) {
      const n = 1 << (info - 24);
      if (pos + n > b.length) throw new DecodeError(field, 'truncated CBOR argument');
      arg = 0;
      for (let i = 0; i < n; i++) arg = arg * 256 + (b[pos + i] as number);
      pos += n;
      if (arg > Number.MAX_SAFE_INTEGER) throw new LimitError(`${field}.integer`, Number.MAX_SAFE_INTEGER, arg);
    } else throw new DecodeError(field, `unsupported CBOR additional info ${info}`);
    if (++items > LIMITS.maxCborItems * 2) throw new LimitError(`${field}.items`, LIMITS.maxCborItems * 2, items);
    let children = 0;
    switch (major) {
      case 0:
      case 1:
        break;
      case 2:
      case 3:
        if (arg > b.length - pos) throw new LimitError(`${field}.length`, b.length - pos, arg);
        pos += arg;
        break;
      case 4:
        if (arg > LIMITS.maxCborItems) throw new LimitError(`${field}.array`, LIMITS.maxCborItems, arg);
        children = arg;
        break;
      case 5:
        if (arg > LIMITS.maxCborItems) throw new LimitError(`${field}.map`, LIMITS.maxCborItems, arg);
        children = arg * 2;
        break;
      case 7:
        if (info !== 20 && info !== 21 && info !== 22) throw new DecodeError(field, 'floats and other simple values are not allowed');
        break;
      default:
        throw new DecodeError(field, 'CBOR tags are not allowed');
    }
    if (stack.length > 0) stack[stack.length - 1] = (stack[stack.length - 1] as number) - 1;
    if (children > 0) {
      if (stack.length >= LIMITS.maxCborDepth) throw new LimitError(`${field}.depth`, LIMITS.maxCborDepth, stack.length + 1);
      stack.push(children);
    }
    while (stack.length > 0 && stack[stack.length - 1] === 0) stack.pop();
  }
  if (pos !== b.length) throw new DecodeError(field, 'trailing bytes after CBOR value');
};
