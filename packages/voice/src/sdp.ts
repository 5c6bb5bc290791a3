/**
 * SDP munging for Opus: discontinuous transmission (usedtx=1: near-silent frames while nobody
 * speaks) and in-band forward error correction (useinbandfec=1: the next packet carries a
 * low-bitrate copy of the last, so one lost packet is not heard). The fmtp line of an SDP says what
 * its author wants to receive, so both offers and answers are munged.
 */
const OPUS_RTPMAP = /^a=rtpmap:(\d+) opus\/48000(?:\/2)?\r?$/gim;

export const enableOpusDtxFec = (sdp: string): string => {
  const payloadTypes = [...sdp.matchAll(OPUS_RTPMAP)].map((m) => m[1] as string);
  let out = sdp;
  for (const pt of new Set(payloadTypes)) {
    const fmtp = new RegExp(`^a=fmtp:${pt} ([^\\r\\n]*)`, 'gm');
    if (fmtp.test(out)) {
      out = out.replace(fmtp, (_line, params: string) => {
        const kept = params
          .split(';')
          .map((p) => p.trim())
          .filter((p) => p.length > 0 && !/^(usedtx|useinbandfec)=/.test(p));
        return `a=fmtp:${pt} ${[...kept, 'useinbandfec=1', 'usedtx=1'].join(';')}`;
      });
    } else {
      out = out.replace(new RegExp(`^(a=rtpmap:${pt} opus/48000(?:/2)?)(\\r?\\n)`, 'm'), `$1$2a=fmtp:${pt} useinbandfec=1;usedtx=1$2`);
    }
  }
  return out;
};
