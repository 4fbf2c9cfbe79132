// rr.mjs runs the real react-router cookie session storage for
// interop_test.go. It reads one JSON request per line on stdin and writes one
// JSON response per line on stdout, in order, so that the Go test starts Node
// once for the whole run. Nothing here re-implements the cookie format: every
// Set-Cookie string and every session read comes from react-router itself.
//
// Request fields:
//   op            "commit" | "read" | "destroy" | "version" | "cookie"
//   secrets       the cookie's secrets (the first signs)
//   cookie        react-router cookie options (name, path, domain, sameSite,
//                 httpOnly, secure, partitioned, priority, maxAge, expires);
//                 null for path means "no Path attribute"
//   cookieHeader  optional Cookie header to read the session from
//   data          operations on the session, in order:
//                 ["set", key, value] ["flash", key, value] ["unset", key]
//                 ["get", key] ["has", key]
//   commitOptions optional {maxAge, expires} for commitSession
//
// Values are JSON, with tags for what JSON cannot carry:
//   {"$undefined": true}, {"$number": "NaN" | "Infinity" | "-Infinity" | "-0"},
//   {"$date": "2030-01-01T00:00:00.000Z"}.
//
// Response: {"readJson": JSON.stringify(data as read), "data": final data,
// "json": JSON.stringify(final data), "results": [...], "setCookie": "..."}
// where each "get" result is the JSON.stringify of the value (null when
// undefined) and each "has" result a boolean; or {"error": "message"}.
//
// The "cookie" op runs a standalone createCookie(cookie.name, {...cookie,
// secrets}) (no secrets: unsigned): it serializes each JSON text of
// "serialize" (with commitOptions) and parses each Cookie header of "parse",
// answering {"setCookies": [...], "parsed": [JSON.stringify(result)]}
// (a missing result, undefined, is {"$undefined": true}).

import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { createCookie, createCookieSessionStorage } from "react-router";

const version = JSON.parse(
  readFileSync(new URL("./node_modules/react-router/package.json", import.meta.url), "utf8"),
).version;

function revive(v) {
  if (Array.isArray(v)) return v.map(revive);
  if (v === null || typeof v !== "object") return v;
  const keys = Object.keys(v);
  if (keys.length === 1) {
    switch (keys[0]) {
      case "$undefined":
        return undefined;
      case "$number":
        return Number(v.$number);
      case "$date":
        return new Date(v.$date);
    }
  }
  // Object.fromEntries defines own properties, so a "__proto__" key stays
  // data, as it does in JSON.parse.
  return Object.fromEntries(keys.map((k) => [k, revive(v[k])]));
}

function cookieOptions(req) {
  const c = { ...(req.cookie ?? {}), secrets: req.secrets ?? [] };
  for (const k of Object.keys(c)) if (c[k] === null) c[k] = undefined;
  if (typeof c.expires === "string") c.expires = new Date(c.expires);
  return c;
}

function commitOptions(o) {
  if (!o) return undefined;
  const out = {};
  if (o.maxAge !== undefined && o.maxAge !== null) out.maxAge = o.maxAge;
  if (typeof o.expires === "string") out.expires = new Date(o.expires);
  return out;
}

async function standalone(req) {
  const options = cookieOptions(req);
  const cookie = createCookie(options.name, options);
  const setCookies = [];
  for (const text of req.serialize ?? []) {
    setCookies.push(await cookie.serialize(JSON.parse(text), commitOptions(req.commitOptions)));
  }
  const parsed = [];
  for (const header of req.parse ?? []) {
    const v = await cookie.parse(header);
    parsed.push(v === undefined ? { $undefined: true } : JSON.stringify(v));
  }
  return { setCookies, parsed };
}

async function handle(req) {
  if (req.op === "version") return { version, node: process.version };
  if (req.op === "cookie") return standalone(req);
  const storage = createCookieSessionStorage({ cookie: cookieOptions(req) });
  const session = await storage.getSession(req.cookieHeader ?? null);
  const readJson = JSON.stringify(session.data);
  const results = [];
  for (const [verb, key, value] of req.data ?? []) {
    switch (verb) {
      case "set":
        session.set(key, revive(value));
        break;
      case "flash":
        session.flash(key, revive(value));
        break;
      case "unset":
        session.unset(key);
        break;
      case "get": {
        const got = session.get(key);
        results.push(got === undefined ? null : JSON.stringify(got));
        break;
      }
      case "has":
        results.push(session.has(key));
        break;
      default:
        throw new Error(`unknown data operation ${JSON.stringify(verb)}`);
    }
  }
  const out = { readJson, data: session.data, json: JSON.stringify(session.data), results };
  switch (req.op) {
    case "read":
      break;
    case "commit":
      out.setCookie = await storage.commitSession(session, commitOptions(req.commitOptions));
      break;
    case "destroy":
      out.setCookie = await storage.destroySession(session);
      break;
    default:
      throw new Error(`unknown op ${JSON.stringify(req.op)}`);
  }
  return out;
}

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of rl) {
  if (line.trim() === "") continue;
  let out;
  try {
    out = await handle(JSON.parse(line));
  } catch (err) {
    out = { error: String(err?.message ?? err) };
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}
