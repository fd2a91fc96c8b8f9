/** A body axios hands over unread: a Node stream, a web stream or a Blob (`responseType` 'stream' or 'blob'). */
export type Unread = AsyncIterable<Uint8Array | string> | ReadableStream<Uint8Array> | Blob;

export function isUnread(data: unknown): data is Unread {
  return (
    data instanceof Blob ||
    data instanceof ReadableStream ||
    (typeof data === 'object' &&
      data !== null &&
      typeof (data as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function')
  );
}

export async function readBytes(data: Unread): Promise<Uint8Array> {
  if (data instanceof Blob) return new Uint8Array(await data.arrayBuffer());
  if (data instanceof ReadableStream) return new Uint8Array(await new Response(data).arrayBuffer());
  const chunks: Uint8Array[] = [];
  for await (const chunk of data) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}
