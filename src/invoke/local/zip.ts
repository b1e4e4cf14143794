import { chmod, lstat, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const inflateRaw = promisify(zlib.inflateRaw);

/** One entry of a zip's central directory. */
export interface ZipEntry {
  name: string;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  /** Unix permission and type bits, when the archiver recorded them. */
  mode?: number;
  encrypted: boolean;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

function fail(message: string): never {
  throw new Error(`not a readable zip: ${message}`);
}

function u64(buf: Buffer, at: number): number {
  const value = buf.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) fail('entry too large');
  return Number(value);
}

/** Reads the central directory (zip64 included). Only the names and offsets; no data is inflated. */
export function readCentralDirectory(buf: Buffer): ZipEntry[] {
  let eocd = -1;
  // The end record is 22 bytes plus a comment of up to 65535.
  for (let at = buf.length - 22; at >= Math.max(0, buf.length - 22 - 0xffff); at--) {
    if (buf.readUInt32LE(at) === EOCD) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) fail('no end of central directory record');
  let count = buf.readUInt16LE(eocd + 10);
  let offset = buf.readUInt32LE(eocd + 16);
  if ((count === 0xffff || offset === 0xffffffff) && eocd >= 20 && buf.readUInt32LE(eocd - 20) === ZIP64_LOCATOR) {
    const record = u64(buf, eocd - 20 + 8);
    if (buf.readUInt32LE(record) !== ZIP64_EOCD) fail('bad zip64 end record');
    count = u64(buf, record + 32);
    offset = u64(buf, record + 48);
  }
  const entries: ZipEntry[] = [];
  for (let at = offset, i = 0; i < count; i++) {
    if (at + 46 > buf.length || buf.readUInt32LE(at) !== CENTRAL) fail(`bad central directory entry ${i}`);
    const madeBy = buf.readUInt16LE(at + 4);
    const flags = buf.readUInt16LE(at + 8);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    const external = buf.readUInt32LE(at + 38);
    const entry: ZipEntry = {
      name: buf.toString('utf8', at + 46, at + 46 + nameLength),
      method: buf.readUInt16LE(at + 10),
      crc32: buf.readUInt32LE(at + 16),
      compressedSize: buf.readUInt32LE(at + 20),
      size: buf.readUInt32LE(at + 24),
      localHeaderOffset: buf.readUInt32LE(at + 42),
      // Host 3 is Unix: the high 16 bits of the external attributes are st_mode.
      mode: madeBy >> 8 === 3 && external >>> 16 ? external >>> 16 : undefined,
      encrypted: (flags & 1) === 1,
    };
    readZip64Extra(buf, at + 46 + nameLength, extraLength, entry);
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function readZip64Extra(buf: Buffer, start: number, length: number, entry: ZipEntry): void {
  for (let at = start; at + 4 <= start + length; ) {
    const id = buf.readUInt16LE(at);
    const size = buf.readUInt16LE(at + 2);
    if (id === 0x0001) {
      // Only the fields saturated in the fixed header are present, in this order.
      let field = at + 4;
      const next = () => {
        const value = u64(buf, field);
        field += 8;
        return value;
      };
      if (entry.size === 0xffffffff) entry.size = next();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next();
    }
    at += 4 + size;
  }
}

/** Where an entry lands under `root`, refusing names that would escape it (zip slip). */
export function entryTarget(root: string, name: string): string {
  const relative = name.replaceAll('\\', '/');
  const target = path.resolve(root, relative);
  if (path.isAbsolute(relative) || !(target === root || target.startsWith(root + path.sep))) {
    throw new Error(`zip entry ${JSON.stringify(name)} points outside the extraction directory`);
  }
  return target;
}

async function entryData(buf: Buffer, entry: ZipEntry): Promise<Buffer> {
  const at = entry.localHeaderOffset;
  if (buf.readUInt32LE(at) !== LOCAL) fail(`bad local header for ${entry.name}`);
  const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
  const raw = buf.subarray(start, start + entry.compressedSize);
  let data: Buffer;
  if (entry.method === 0) data = raw;
  else if (entry.method === 8) data = await inflateRaw(raw);
  else fail(`${entry.name} uses compression method ${entry.method} (only stored and deflate are supported)`);
  if (data.length !== entry.size || zlib.crc32(data) !== entry.crc32) fail(`${entry.name} is corrupt (size or CRC mismatch)`);
  return data;
}

export interface ExtractZipOptions {
  /**
   * Replace what is already there: Lambda extracts a function's layers into one /opt in order, a
   * later layer's file replacing an earlier one's. Without it the directory is expected to be new.
   */
  overwrite?: boolean;
}

/** Removes whatever sits at `target` unless it is a directory and a directory is wanted. */
async function clearTarget(target: string, keepDirectory: boolean): Promise<void> {
  const found = await lstat(target).catch(() => undefined);
  if (found && !(keepDirectory && found.isDirectory())) await rm(target, { recursive: true, force: true });
}

/** Extracts a zip into `intoDir` (created if needed), keeping Unix modes and symlinks, like Lambda's unzip. */
export async function extractZip(zipPath: string, intoDir: string, opts: ExtractZipOptions = {}): Promise<void> {
  const buf = await readFile(zipPath);
  const root = path.resolve(intoDir);
  await mkdir(root, { recursive: true });
  for (const entry of readCentralDirectory(buf)) {
    if (entry.encrypted) fail(`${entry.name} is encrypted`);
    const target = entryTarget(root, entry.name);
    const type = (entry.mode ?? 0) & S_IFMT;
    const isDirectory = entry.name.endsWith('/') || type === S_IFDIR;
    if (opts.overwrite) await clearTarget(target, isDirectory);
    if (isDirectory) {
      await mkdir(target, { recursive: true });
      continue;
    }
    await mkdir(path.dirname(target), { recursive: true });
    const data = await entryData(buf, entry);
    if (type === S_IFLNK) {
      const link = data.toString('utf8');
      // A link leading out would let a later entry write outside through it.
      entryTarget(root, path.relative(root, path.resolve(path.dirname(target), link)));
      await symlink(link, target);
      continue;
    }
    const mode = entry.mode && entry.mode & 0o777 ? entry.mode & 0o777 : 0o644;
    await writeFile(target, data, { mode });
    await chmod(target, mode); // writeFile's mode is filtered by the umask
  }
}
