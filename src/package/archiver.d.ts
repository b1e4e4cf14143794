// archiver 8 ships no types (and @types/archiver describes the v6/v7 default export):
// only what src/package/zip.ts uses, checked against node_modules/archiver/lib/core.js.
declare module 'archiver' {
  import type { Transform } from 'node:stream';
  import type { ZlibOptions } from 'node:zlib';

  export interface ZipArchiveOptions {
    zlib?: ZlibOptions;
    /** Store DOS times from local-time getters instead of UTC ones (default false). */
    forceLocalTime?: boolean;
    forceZip64?: boolean;
    store?: boolean;
    comment?: string;
    statConcurrency?: number;
  }

  export interface EntryData {
    name: string;
    date?: Date | string;
    mode?: number;
    store?: boolean;
  }

  export class Archiver extends Transform {
    append(source: Buffer | string | NodeJS.ReadableStream, data: EntryData): this;
    finalize(): Promise<void>;
    abort(): this;
    pointer(): number;
  }

  export class ZipArchive extends Archiver {
    constructor(options?: ZipArchiveOptions);
  }
}
