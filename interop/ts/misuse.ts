// Misuses the generated types must reject. Each "// want:" comment names
// the exact error tsc must report on the next line; typescript_test.go
// checks that these and no other errors occur.
import { createCookieSessionStorage } from "react-router";
import { type UserSessionData, type UserFlashData, userCookieOptions } from "./gen/basic.js";
import { type AdminSessionData, type AdminFlashData } from "./gen/web.js";
import { type AccountSessionData } from "./gen/tsshapes.js";

const secrets = ["a-secret-of-at-least-32-bytes-for-tests"];
const storage = createCookieSessionStorage<UserSessionData, UserFlashData>({ cookie: { ...userCookieOptions, secrets } });
const session = await storage.getSession(null);

// want: TS2345: Argument of type 'number' is not assignable to parameter of type 'string'.
session.set("userId", 42);
// want: TS2345: Argument of type '"nope"' is not assignable to parameter of type '"userId" | "theme" | "message"'.
session.get("nope");
// want: TS2345: Argument of type 'number' is not assignable to parameter of type 'string'.
session.flash("message", 1);
// want: TS2345: Argument of type '"message"' is not assignable to parameter of type '"userId" | "theme"'.
session.set("message", "a flash key is not a key");

// A session without flash keys accepts no flash key.
const admin = (await createCookieSessionStorage<AdminSessionData, AdminFlashData>({ cookie: { secrets } }).getSession(null));
// want: TS2345: Argument of type '"anything"' is not assignable to parameter of type 'never'.
admin.flash("anything", 1);

// The options keep their literal types: a changed one is not assignable.
// want: TS2322: Type '"strict"' is not assignable to type '"lax"'.
const widened: typeof userCookieOptions.sameSite = "strict";

// []byte is a base64 string, not an array.
// want: TS2322: Type 'number[]' is not assignable to type 'string'.
const avatar: AccountSessionData["avatar"] = [1, 2];

export { widened, avatar };

// A standalone cookie's value type.
import { type PrefsCookieValue, type VisitsCookieValue } from "./gen/cookies.js";
// want: TS2322: Type 'number' is not assignable to type 'string'.
const prefs: PrefsCookieValue = { theme: 1 };
// want: TS2322: Type 'string' is not assignable to type 'number'.
const visits: VisitsCookieValue = "7";
export { prefs, visits };
