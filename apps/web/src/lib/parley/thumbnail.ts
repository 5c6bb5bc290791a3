/**
 * The small preview sent with an image (PROTOCOL 12.3 `p`): drawn in this browser from the picture's
 * own decoded pixels, at most 160 px on its longer side, as JPEG (or PNG when no quality fits),
 * within LIMITS.maxThumbnailBytes. Only bytes that really are a raster image get one.
 */
import { LIMITS } from '@parley/protocol';
import { previewType } from './attachments.ts';

const SIDE = 160;

export const makeThumbnail = async (file: Blob): Promise<Uint8Array | undefined> => {
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  if (previewType(head) === undefined || typeof createImageBitmap !== 'function' || typeof OffscreenCanvas !== 'function') return undefined;
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return undefined;
  }
  try {
    const scale = Math.min(1, SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = new OffscreenCanvas(Math.max(1, Math.round(bitmap.width * scale)), Math.max(1, Math.round(bitmap.height * scale)));
    const g = canvas.getContext('2d');
    if (g === null) return undefined;
    g.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    for (const o of [{ type: 'image/jpeg', quality: 0.8 }, { type: 'image/jpeg', quality: 0.5 }, { type: 'image/png' }]) {
      const bytes = new Uint8Array(await (await canvas.convertToBlob(o)).arrayBuffer());
      if (bytes.length <= LIMITS.maxThumbnailBytes) return bytes;
    }
    return undefined;
  } finally {
    bitmap.close();
  }
};
