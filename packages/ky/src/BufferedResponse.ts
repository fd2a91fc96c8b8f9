const decoder = new TextDecoder();

/**
 * The base {@link BufferedResponse} extends: instead of a new object, its constructor returns the `Response` it is
 * given, switched to the subclass's prototype, so the subclass's fields land on that very response. A response read
 * whole stays the object fetch made, its status, headers, URL and the rest its own, rather than a second `Response`
 * built beside it (undici's constructor alone cost about 3 µs a request in B1's ky loop).
 */
function Adopting(this: unknown, response: Response): Response {
  return Object.setPrototypeOf(response, new.target.prototype);
}
Adopting.prototype = Response.prototype;
const AdoptingResponse = Adopting as unknown as new (response: Response) => Response;

/**
 * A `Response` whose body was already read whole (so that a body cut off by the connection failed inside the guard,
 * typed). `text()`, `json()`, `arrayBuffer()` and `bytes()` are served from those bytes; `body`, `blob()`,
 * `formData()` and a clone of a response whose stream was taken go through a real `Response` over the same bytes,
 * made only when asked for. Reading twice fails as on any `Response`.
 *
 * Why not simply `new Response(bytes, init)`: undici builds a byte stream for every such body, about 7 µs a
 * request, and nearly every caller reads the body once with `text()` or `json()`.
 */
export class BufferedResponse extends AdoptingResponse {
  readonly #bytes: ArrayBuffer;
  /**
   * For a clone, the response it was cloned from, whose URL, `redirected` and `type` it answers with (a `Response`
   * built here has none of its own). `undefined` for the response fetch gave, which has its own.
   */
  readonly #from: Response | undefined;
  #used = false;
  /** The same body as a real `Response`, once something asked for its stream or a less common reader. */
  #real: Response | undefined;

  /**
   * Makes `response`, a `Response` of this realm, a `BufferedResponse` (once: see {@link isBuffered}); the object
   * returned is `response` itself. {@link of} takes any response.
   */
  constructor(bytes: ArrayBuffer, response: Response, from?: Response) {
    super(response);
    this.#bytes = bytes;
    this.#from = from;
  }

  /**
   * `response`, whose body was read into `bytes`, as a `BufferedResponse`: `response` itself when it is a `Response`
   * of this realm; otherwise (another realm's, a polyfill's) a `Response` made with its status and headers, which
   * answers with its URL.
   */
  static of(bytes: ArrayBuffer, response: Response): BufferedResponse {
    return response instanceof Response
      ? new BufferedResponse(bytes, response)
      : new BufferedResponse(bytes, copyOf(response), response);
  }

  /** Whether `response` is already one (its body is then only in its bytes). */
  static isBuffered(response: Response): boolean {
    return #bytes in response;
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
      return Promise.resolve(this.#take());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  override bytes(): Promise<Uint8Array<ArrayBuffer>> {
    // Not the real response's `bytes()`: Node's fetch has it only from 22.3.
    if (this.#real) return this.#real.arrayBuffer().then((buffer) => new Uint8Array(buffer));
    try {
      return Promise.resolve(new Uint8Array(this.#take()));
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
    return new BufferedResponse(this.#bytes.slice(0), copyOf(this), this.#from ?? this);
  }

  /** The body's bytes, once: a second read fails as `Response` fails it. */
  #take(): ArrayBuffer {
    if (this.#used) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    return this.#bytes;
  }

  /** The real `Response` over the same bytes; one made after a read is read too, so its stream is disturbed. */
  static real(response: BufferedResponse): Response {
    if (response.#real === undefined) {
      const real = madeLike(response.#bytes, response);
      if (response.#used) void real.arrayBuffer();
      response.#real = real;
    }
    return response.#real;
  }

  static bodyUsed(response: BufferedResponse): boolean {
    return response.#real ? response.#real.bodyUsed : response.#used;
  }

  /** For a clone, the response it was cloned from. */
  static original(response: BufferedResponse): Response | undefined {
    return response.#from;
  }
}

/** A `Response` of this realm with `response`'s status and headers, and no body. */
function copyOf(response: Response): Response {
  return madeLike(null, response);
}

/** A `Response` of this realm over `body`, with `response`'s status and headers. */
function madeLike(body: ArrayBuffer | null, response: Response): Response {
  const { status } = response;
  // fetch hands back any three-digit status (a proxy's 600), but `Response` refuses one outside 200–599: such a copy
  // is made with another and answers with the one that came.
  const inRange = status >= 200 && status <= 599;
  const made = new Response(body, {
    status: inRange ? status : 599,
    statusText: response.statusText,
    headers: response.headers,
  });
  if (!inRange) Object.defineProperty(made, 'status', { value: status, enumerable: true });
  return made;
}

/** An accessor that answers from the response a clone was cloned from, and as `Response.prototype` does otherwise. */
function fromOriginal(name: 'url' | 'redirected' | 'type'): PropertyDescriptor {
  const own = Object.getOwnPropertyDescriptor(Response.prototype, name)!.get!;
  return {
    get(this: BufferedResponse) {
      const from = BufferedResponse.original(this);
      return from === undefined ? own.call(this) : from[name];
    },
    configurable: true,
    enumerable: true,
  };
}

// `url`, `redirected`, `type`, `body` and `bodyUsed` are accessors on `Response.prototype`; TypeScript types them as
// fields, so they are replaced here rather than in the class body.
Object.defineProperties(BufferedResponse.prototype, {
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
