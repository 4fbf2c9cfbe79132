// The Node half of the pair: a plain node:http server using React Router's
// session API over the cookie the Go service signs. The session's types and
// cookie options come from sessions.ts, generated from the same schema as
// the Go side (../sessions.yaml), so a renamed key or a changed type is a
// compile error here too.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createCookieSessionStorage } from "react-router";
import { type UserFlashData, type UserSessionData, userCookieOptions } from "./sessions.js";

const secrets = (process.env.PAIR_SESSION_SECRET ?? "").split(",").filter((s) => s !== "");
if (secrets.length === 0) {
  console.error("pair web: set PAIR_SESSION_SECRET (the Go service's secrets)");
  process.exit(2);
}

const storage = createCookieSessionStorage<UserSessionData, UserFlashData>({
  cookie: { ...userCookieOptions, secrets },
});

function escapeHTML(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// greet answers /node/: a greeting from the shared session, and a flash
// message for the Go page.
async function greet(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const session = await storage.getSession(req.headers.cookie ?? null);
  const user = session.get("userId");
  if (user === undefined) {
    res.writeHead(303, { Location: "/login" }).end();
    return;
  }
  session.flash("message", `The Node server greeted ${user}.`);
  res.writeHead(200, {
    "Content-Type": "text/html; charset=utf-8",
    "Set-Cookie": await storage.commitSession(session),
  });
  res.end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Node · sessiongen pair</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 2em auto">
<p><small>Served by the Node server (React Router's session API)</small></p>
<h1 id="greeting">Hello, ${escapeHTML(user)}, from Node</h1>
<p><a id="back" href="/">Back to the Go page</a></p>
</body></html>`);
}

const server = createServer((req, res) => {
  greet(req, res).catch((err: unknown) => {
    console.error(err);
    res.writeHead(500).end("session unavailable");
  });
});
server.listen(Number(process.env.PORT ?? 3000), "127.0.0.1", () => {
  // The test reads this line to learn the port (PORT=0 picks a free one).
  console.log(`listening on 127.0.0.1:${(server.address() as AddressInfo).port}`);
});
