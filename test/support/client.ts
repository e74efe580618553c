/** A response with its parsed body. */
export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

/** A small HTTP client over fetch, bound to a token. */
export class Client {
  constructor(
    readonly url: string,
    readonly token: string | null,
  ) {}

  as(token: string | null): Client {
    return new Client(this.url, token);
  }

  get<T = any>(path: string, headers: Record<string, string> = {}): Promise<Reply<T>> {
    return this.send('GET', path, undefined, headers);
  }
  post<T = any>(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
    return this.send('POST', path, body, headers);
  }
  put<T = any>(path: string, body?: unknown): Promise<Reply<T>> {
    return this.send('PUT', path, body);
  }
  patch<T = any>(path: string, body?: unknown): Promise<Reply<T>> {
    return this.send('PATCH', path, body);
  }
  delete<T = any>(path: string): Promise<Reply<T>> {
    return this.send('DELETE', path, undefined);
  }

  /** Sends a body byte for byte (for malformed or oversized input). */
  raw(method: string, path: string, body: string, contentType = 'application/json'): Promise<Reply> {
    return this.send(method, path, body, { 'content-type': contentType }, true);
  }

  /** Sends bytes as they are, with exactly the headers given (besides the token). */
  send(method: string, path: string, body: Uint8Array, headers: Record<string, string>): Promise<Reply>;
  send(method: string, path: string, body: unknown, headers?: Record<string, string>, raw?: boolean): Promise<Reply>;
  async send(method: string, path: string, body: unknown, headers: Record<string, string> = {}, raw = false): Promise<Reply> {
    if (body instanceof Uint8Array) raw = true;
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body !== undefined && !raw ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : raw ? (body as string | Uint8Array) : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (CSV, HTML): the text is the body.
    }
    return { status: response.status, body: parsed, headers: response.headers, text };
  }
}
