/** A real PNG made here (truecolour, 8 bits, one IDAT): a gradient with a sun, different for each seed. */
import { crc32, deflateSync } from 'node:zlib';

const chunk = (type: string, data: Buffer): Buffer => {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
};

export const makePng = (width: number, height: number, seed = 0): Buffer => {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  const sun = { x: width * 0.7, y: height * 0.35, r: Math.min(width, height) * 0.18 };
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const inSun = (x - sun.x) ** 2 + (y - sun.y) ** 2 < sun.r ** 2;
      const p = row + 1 + x * 3;
      raw[p] = inSun ? 255 : Math.round(40 + (200 * y) / height);
      raw[p + 1] = inSun ? 214 : Math.round((90 * x) / width + (seed % 50));
      raw[p + 2] = inSun ? 90 : Math.round(160 - (100 * y) / height);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
};
