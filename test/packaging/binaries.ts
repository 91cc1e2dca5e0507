/** What a native binary is built for, read from its header (ELF, Mach-O, PE). */
export type BinaryKind =
  | { format: 'elf'; arch: 'x64' | 'arm64' | string }
  | { format: 'macho'; arch: 'x64' | 'arm64' | string }
  | { format: 'pe'; arch: 'x64' | string; pe32plus: boolean }
  | { format: 'fat-macho' }
  | undefined;

export function binaryKind(h: Buffer): BinaryKind {
  if (h.length >= 20 && h.readUInt32BE(0) === 0x7f454c46) {
    const little = h[5] === 1;
    const machine = little ? h.readUInt16LE(18) : h.readUInt16BE(18);
    return { format: 'elf', arch: h[4] !== 2 ? `elf32:${machine}` : machine === 0x3e ? 'x64' : machine === 0xb7 ? 'arm64' : `machine:${machine}` };
  }
  if (h.length >= 8 && h.readUInt32LE(0) === 0xfeedfacf) {
    const cpu = h.readUInt32LE(4);
    return { format: 'macho', arch: cpu === 0x01000007 ? 'x64' : cpu === 0x0100000c ? 'arm64' : `cpu:${cpu}` };
  }
  if (h.length >= 4 && (h.readUInt32BE(0) === 0xcafebabe || h.readUInt32BE(0) === 0xcafebabf) && h.readUInt32BE(4) < 20) return { format: 'fat-macho' };
  if (h.length >= 64 && h[0] === 0x4d && h[1] === 0x5a) {
    const pe = h.readUInt32LE(0x3c);
    if (h.length < pe + 26 || h.readUInt32BE(pe) !== 0x50450000) return { format: 'pe', arch: 'unknown', pe32plus: false };
    const machine = h.readUInt16LE(pe + 4);
    return { format: 'pe', arch: machine === 0x8664 ? 'x64' : machine === 0xaa64 ? 'arm64' : `machine:${machine}`, pe32plus: h.readUInt16LE(pe + 24) === 0x20b };
  }
  return undefined;
}

/** The header a target's binaries must have. */
export function expectedKind(target: string): { format: 'elf' | 'macho' | 'pe'; arch: 'x64' | 'arm64' } {
  const [platform, arch] = target.split('-') as [string, 'x64' | 'arm64'];
  return { format: platform === 'linux' ? 'elf' : platform === 'darwin' ? 'macho' : 'pe', arch };
}

/**
 * Whether a 64-bit Mach-O carries a code signature (LC_CODE_SIGNATURE): macOS on Apple silicon
 * refuses to load arm64 code without one, even ad hoc. `h` must hold the header and load commands.
 */
export function machoSigned(h: Buffer): boolean {
  if (h.length < 32 || h.readUInt32LE(0) !== 0xfeedfacf) return false;
  const ncmds = h.readUInt32LE(16);
  let p = 32;
  for (let i = 0; i < ncmds && p + 8 <= h.length; i++) {
    if (h.readUInt32LE(p) === 0x1d) return true;
    p += h.readUInt32LE(p + 4);
  }
  return false;
}
