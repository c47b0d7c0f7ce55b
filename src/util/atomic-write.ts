import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes a file atomically: the content goes to a temporary file in the same
 * directory, is flushed to disk, and is then renamed over the target. Readers
 * see the old file or the new one, never a half-written one. Missing parent
 * directories are created, and the first of them is returned (undefined
 * when the directory existed).
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array, mode = 0o644): Promise<string | undefined> {
  const directory = dirname(path);
  const createdDirectory = await mkdir(directory, { recursive: true });
  const temporary = join(directory, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);

  try {
    const handle = await open(temporary, 'wx', mode);
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
    return createdDirectory;
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
