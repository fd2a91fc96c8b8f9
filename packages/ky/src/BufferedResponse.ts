const decoder = new TextDecoder();

/**
 * A `Response` whose body was already read whole (so that a body cut off by the connection failed inside the guard,
 * typed). `text()`, `json()`, `arrayBuffer()` and `bytes()` are served from those bytes; `body`, `blob()`,
 * `formData()` and a clone of a response whose stream was taken go through a real `Response` over the same bytes,
 * made only when asked for. Reading twice fails as on any `Response`.
 *
 * Why not simply `new Response(bytes, init)`: undici builds a byte stream for every such body, about 7 µs a
 * request, and nearly every caller reads the body once with `text()` or `json()`.
 */
export class BufferedResponse extends Response {
  readonly #bytes: Uint8Array<ArrayBuffer>;
  /**
   * The response it was read from: its headers, URL, `redirected` and `type` are read from it as they are (copying
   * the headers costs more than the rest here, and a `Response` built here would have no URL).
   */
  readonly #from: Response;
  #used = false;
  /** The same body as a real `Response`, once something asked for its stream or a less common reader. */
  #real: Response | undefined;

  constructor(bytes: Uint8Array<ArrayBuffer>, from: Response) {
    super(null, { status: from.status, statusText: from.statusText });
    this.#bytes = bytes;
    this.#from = from;
  }

  override text(): Promise<string> {
    if (this.#real) return this.#real.text();
    try {
      return Promise.resolve(decoder.decode(this.#take()));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  override json(): Promise<unknown> {
    if (this.#real) return this.#real.json();
    try {
      return Promise.resolve(JSON.parse(decoder.decode(this.#take())));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    if (this.#real) return this.#real.arrayBuffer();
    try {
      return Promise.resolve(this.#take().buffer);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  override bytes(): Promise<Uint8Array<ArrayBuffer>> {
    if (this.#real) return this.#real.bytes();
    try {
      return Promise.resolve(this.#take());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  override blob(): Promise<Blob> {
    return BufferedResponse.real(this).blob();
  }

  override formData(): ReturnType<Response['formData']> {
    return BufferedResponse.real(this).formData();
  }

  override clone(): Response {
    if (this.#real) return this.#real.clone();
    if (this.#used) throw new TypeError('Response.clone: Body has already been consumed.');
    return new BufferedResponse(this.#bytes.slice(), this);
  }

  /** The body's bytes, once: a second read fails as `Response` fails it. */
  #take(): Uint8Array<ArrayBuffer> {
    if (this.#used) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    return this.#bytes;
  }

  /** The real `Response` over the same bytes; one made after a read is read too, so its stream is disturbed. */
  static real(response: BufferedResponse): Response {
    if (response.#real === undefined) {
      const real = new Response(response.#bytes, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
      if (response.#used) void real.arrayBuffer();
      response.#real = real;
    }
    return response.#real;
  }

  static bodyUsed(response: BufferedResponse): boolean {
    return response.#real ? response.#real.bodyUsed : response.#used;
  }

  /** The response it was read from. */
  static original(response: BufferedResponse): Response {
    return response.#from;
  }
}

/** An accessor of the response a `BufferedResponse` was read from, as `Response.prototype` has it. */
function fromOriginal(name: 'headers' | 'url' | 'redirected' | 'type'): PropertyDescriptor {
  return {
    get(this: BufferedResponse) {
      return BufferedResponse.original(this)[name];
    },
    configurable: true,
    enumerable: true,
  };
}

// `headers`, `url`, `redirected`, `type`, `body` and `bodyUsed` are accessors on `Response.prototype`; TypeScript
// types them as fields, so they are replaced here rather than in the class body.
Object.defineProperties(BufferedResponse.prototype, {
  headers: fromOriginal('headers'),
  url: fromOriginal('url'),
  redirected: fromOriginal('redirected'),
  type: fromOriginal('type'),
  body: {
    get(this: BufferedResponse) {
      return BufferedResponse.real(this).body;
    },
    configurable: true,
    enumerable: true,
  },
  bodyUsed: {
    get(this: BufferedResponse) {
      return BufferedResponse.bodyUsed(this);
    },
    configurable: true,
    enumerable: true,
  },
});
