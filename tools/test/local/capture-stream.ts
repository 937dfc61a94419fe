import { Writable } from 'node:stream';

/** A writable that keeps what was written, for command tests. */
export class CaptureStream extends Writable {
  text = '';
  isTTY = false;

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}
