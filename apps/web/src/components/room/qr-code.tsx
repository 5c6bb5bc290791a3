'use client';
/**
 * A QR code drawn as one SVG path from the `qrcode` package's module matrix: no canvas, no image
 * request, no HTML string. Dark modules on white with the four-module quiet zone scanners need.
 */
import { create } from 'qrcode';
import { useMemo } from 'react';

const QUIET = 4;

export const QrCode = ({ text, label, size = 192 }: { text: string; label: string; size?: number }) => {
  const { path, n } = useMemo(() => {
    const m = create(text, { errorCorrectionLevel: 'M' }).modules;
    let d = '';
    for (let r = 0; r < m.size; r++) for (let c = 0; c < m.size; c++) if (m.get(r, c)) d += `M${c + QUIET} ${r + QUIET}h1v1h-1z`;
    return { path: d, n: m.size + QUIET * 2 };
  }, [text]);
  return (
    <svg
      role="img"
      aria-label={label}
      data-testid="invite-qr"
      data-modules={n - QUIET * 2}
      viewBox={`0 0 ${n} ${n}`}
      width={size}
      height={size}
      shapeRendering="crispEdges"
      className="rounded bg-white"
    >
      <path d={path} fill="#000" />
    </svg>
  );
};
