// The REST API as the workspace calls it: the same endpoints as any outside client, with the
// browser's session and the CSRF token (shared/API.md, "Authentication").

export class ApiError extends Error {
  constructor(status, payload) {
    super(messageFor(status, payload));
    this.status = status;
    this.payload = payload;
  }
}

function flatten(value) {
  if (value == null) return [];
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(flatten);
  if (typeof value === "object") return Object.values(value).flatMap(flatten);
  return [String(value)];
}

function messageFor(status, payload) {
  if (status === 412) return "Someone changed this; reload to see their version.";
  if (status === 429) return "Too many requests: wait a moment and try again.";
  if (status === 404) return "This is no longer there (deleted, or out of your reach).";
  const said = flatten(payload && typeof payload === "object" ? payload : null).join(" ");
  if (said) return said;
  if (status === 0) return "The server cannot be reached; check the connection.";
  return `Something went wrong (HTTP ${status}); try again.`;
}

export function makeApi(csrfToken) {
  async function request(method, url, options = {}) {
    return (await send(method, url, options)).payload;
  }

  /** The answer (`response`) and its JSON (`payload`); an ApiError for a 4xx or 5xx (and for a
   * 304, which only a request with `ifNoneMatch` gets: `notModified` lets it through). */
  async function send(method, url, { body, ifMatch, ifNoneMatch, notModified = false } = {}) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET") headers["X-CSRFToken"] = csrfToken;
    if (ifMatch) headers["If-Match"] = ifMatch;
    if (ifNoneMatch) headers["If-None-Match"] = ifNoneMatch;
    let response;
    try {
      response = await fetch(url, {
        method,
        headers,
        credentials: "same-origin",
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, null);
    }
    if (notModified && response.status === 304) return { response, payload: null };
    let payload = null;
    if (response.status !== 204) {
      try {
        payload = await response.json();
      } catch {
        payload = null;
      }
    }
    if (!response.ok) throw new ApiError(response.status, payload);
    return { response, payload };
  }

  /** Every item of a paginated list (cursor pagination: follows `next`). */
  async function list(url, params = {}) {
    const query = new URLSearchParams(params);
    let next = `${url}?${query}`;
    const items = [];
    while (next) {
      const page = await request("GET", next);
      if (Array.isArray(page)) return items.concat(page);
      items.push(...(page.results ?? []));
      next = page.next;
    }
    return items;
  }

  /** A `since` list (every page) asked with the ETag of its last answer: `{items, etag}`, or
   * null when nothing it would hold changed (304, docs/api.md "Polling"). */
  async function changes(url, params, etag) {
    const first = `${url}?${new URLSearchParams(params)}`;
    const { response, payload } = await send("GET", first, { ifNoneMatch: etag, notModified: true });
    if (response.status === 304) return null;
    const items = [...(payload.results ?? [])];
    let next = payload.next;
    while (next) {
      const page = await request("GET", next);
      items.push(...(page.results ?? []));
      next = page.next;
    }
    return { items, etag: response.headers.get("ETag") };
  }

  return {
    list,
    changes,
    get: (url) => request("GET", url),
    post: (url, body) => request("POST", url, { body }),
    patch: (url, body, ifMatch) => request("PATCH", url, { body, ifMatch }),
    remove: (url, ifMatch) => request("DELETE", url, { ifMatch }),
  };
}

/** The If-Match value for an item the API gave us (its ETag is its version, quoted). */
export function versionTag(item) {
  return `"${item.version}"`;
}
