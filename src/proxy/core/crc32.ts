/** CRC-32/IEEE as zlib and nginx compute it (ngx_crc32_table256, initial value and final xor 0xffffffff). */

const table = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  table[n] = c >>> 0;
}

/** ngx_crc32_init(): the running value before any byte. */
export const crc32Initial = 0xffffffff;

/** ngx_crc32_update() over the bytes of a Latin-1 or ASCII string, or a byte array. */
export function crc32Update(crc: number, data: string | Uint8Array): number {
  let value = crc;
  if (typeof data === 'string') {
    for (let i = 0; i < data.length; i++) value = table[(value ^ data.charCodeAt(i)) & 0xff]! ^ (value >>> 8);
  } else {
    for (let i = 0; i < data.length; i++) value = table[(value ^ data[i]!) & 0xff]! ^ (value >>> 8);
  }
  return value >>> 0;
}

/** ngx_crc32_final(). */
export function crc32Final(crc: number): number {
  return (crc ^ 0xffffffff) >>> 0;
}

export function crc32(data: string | Uint8Array): number {
  return crc32Final(crc32Update(crc32Initial, data));
}
